// A WebGPU device in Node: the `webgpu` package (Dawn) on SwiftShader, the
// software Vulkan driver Debian's Chromium ships. scripts/test.sh starts Node
// with LD_LIBRARY_PATH and VK_ICD_FILENAMES pointing into /usr/lib/chromium
// (the Vulkan loader is read when the process starts, so they cannot be set
// from here). Its times are not a GPU's; its results are a conformant
// implementation's.
import { create, globals } from 'webgpu';

// Dawn's instance must outlive its devices: dropping it while a device is in
// use crashes the process (a pthread assertion), so it is kept here.
let instance = null;

export async function dawnDevice() {
  Object.assign(globalThis, globals);
  instance ??= create([]);
  const adapter = await instance.requestAdapter();
  if (!adapter) {
    throw new Error('no WebGPU adapter: run with LD_LIBRARY_PATH=/usr/lib/chromium ' +
      'VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json (scripts/test.sh does)');
  }
  const device = await adapter.requestDevice();
  return { adapter, device, description: `${adapter.info?.description ?? 'adapter'} (${adapter.info?.vendor ?? ''})` };
}
