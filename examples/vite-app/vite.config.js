// Two settings for cofi (a plain object, so the config needs nothing imported):
// - optimizeDeps.exclude: Vite's dev server pre-bundles dependencies into its cache, which moves
//   cofi's module away from cofi-core.wasm beside it; excluded, the .wasm is found as in a build.
// - worker.format 'es': cofi's worker is a module worker that imports the core.
export default {
  optimizeDeps: { exclude: ['cofi'] },
  worker: { format: 'es' },
};
