// Runs first inside the Emscripten module. In Node (>= 20.16) the module cannot fetch its .wasm,
// so it is read from disk next to the module unless the caller passed wasmBinary/instantiateWasm.
// Quoted names survive minification (see ../shared/TOOLCHAIN.md §1).
if (typeof process == 'object' && typeof process['getBuiltinModule'] == 'function' &&
    !Module['wasmBinary'] && !Module['instantiateWasm']) {
  Module['wasmBinary'] = process['getBuiltinModule']('fs')['readFileSync'](
    new URL(Module['locateFile'] ? Module['locateFile']('cofi-cli.wasm', '') : 'cofi-cli.wasm', _scriptDir));
}
