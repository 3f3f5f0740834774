// LogitBuffer: float32 storage in one instance's wasm memory, owned by that
// instance, freed by dispose() or, once dropped, by the instance's
// FinalizationRegistry. The owner supplies _alloc, _free, _registry and
// _heapF32 (logitkit.js).
export const disposeSymbol = Symbol.dispose ?? Symbol.for('Symbol.dispose');

/**
 * Float32 storage inside wasm memory. Fill `view` (e.g. from an ONNX Runtime
 * tensor) and pass the buffer to any operation: no copy is made. Call
 * dispose() when done; the view must be re-read after anything that can grow
 * wasm memory, which the `view` getter does for you.
 */
export class LogitBuffer {
  #owner;
  #ptr;
  #length;
  #view = null;

  constructor(owner, length) {
    this.#owner = owner;
    this.#length = length;
    this.#ptr = owner._alloc(length * 4);
    owner._registry.register(this, { ptr: this.#ptr }, this);
  }

  /** Number of float32 elements. */
  get length() {
    return this.#length;
  }

  /** A Float32Array over the buffer's wasm memory (re-taken after memory growth). */
  get view() {
    const heap = this.#owner._heapF32();
    if (this.#view === null || this.#view.buffer !== heap.buffer) {
      this.#view = new Float32Array(heap.buffer, this._ptr('buffer.view'), this.#length);
    }
    return this.#view;
  }

  get disposed() {
    return this.#ptr === 0;
  }

  // The wasm address, for the instance that made the buffer; `name` is the
  // argument the buffer was passed as, for the error.
  _ptr(name = 'buffer', lk = this.#owner) {
    if (lk !== this.#owner) {
      throw new TypeError(`${name} is a LogitBuffer of another logitkit instance (each load() has its own wasm memory): ` +
        'pass a buffer made by this instance, or a Float32Array (copied in)');
    }
    if (this.#ptr === 0) throw new TypeError(`${name} is a LogitBuffer that was disposed: it must not be used after dispose()`);
    return this.#ptr;
  }

  /** True when `lk` made this buffer. */
  _ownedBy(lk) {
    return lk === this.#owner;
  }

  dispose() {
    if (this.#ptr === 0) return;
    this.#owner._registry.unregister(this);
    this.#owner._free(this.#ptr);
    this.#ptr = 0;
    this.#view = null;
  }

  [disposeSymbol]() {
    this.dispose();
  }
}
