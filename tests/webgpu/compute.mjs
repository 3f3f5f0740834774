// A one-pass compute shader over storage buffers of u32 words, on any
// WebGPU device (Dawn in Node, a browser's navigator.gpu). Browser-safe.
// Runs a one-pass compute shader over storage buffers of u32 words; returns
// the last buffer's contents. `buffers`: Uint32Arrays, the last one written.
export async function runCompute(device, code, entryPoint, buffers, invocations) {
  const module = device.createShaderModule({ code });
  const info = await module.getCompilationInfo();
  const errors = info.messages.filter((m) => m.type === 'error');
  if (errors.length) throw new Error(`WGSL: ${errors.map((m) => `${m.lineNum}:${m.linePos} ${m.message}`).join('; ')}`);
  const pipeline = device.createComputePipeline({ layout: 'auto', compute: { module, entryPoint } });
  const gpu = buffers.map((data) => {
    const b = device.createBuffer({ size: Math.max(16, data.byteLength), usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST });
    device.queue.writeBuffer(b, 0, data);
    return b;
  });
  const out = buffers[buffers.length - 1];
  const read = device.createBuffer({ size: out.byteLength, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
  const bindGroup = device.createBindGroup({
    layout: pipeline.getBindGroupLayout(0),
    entries: gpu.map((buffer, binding) => ({ binding, resource: { buffer } })),
  });
  const groups = Math.ceil(invocations / 64);
  const x = Math.min(groups, 32768);
  const encoder = device.createCommandEncoder();
  const pass = encoder.beginComputePass();
  pass.setPipeline(pipeline);
  pass.setBindGroup(0, bindGroup);
  pass.dispatchWorkgroups(x, Math.ceil(groups / x));
  pass.end();
  encoder.copyBufferToBuffer(gpu[gpu.length - 1], 0, read, 0, out.byteLength);
  device.queue.submit([encoder.finish()]);
  await read.mapAsync(GPUMapMode.READ);
  const result = new Uint32Array(read.getMappedRange().slice(0));
  read.unmap();
  for (const b of [...gpu, read]) b.destroy();
  return result;
}
