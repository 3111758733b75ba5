// Runs first inside the multi-threaded Emscripten module (dist/cofi-core-threads.mjs).
// The size of the pthread pool, read by the -sPTHREAD_POOL_SIZE=cofiPoolSize expression when the
// module starts: the loader (js/index.js) passes Module['cofiThreads'], the thread count asked for,
// and the calling thread is one of them. At least one Worker: with an empty pool 3.1.6 never
// resolves the module. Quoted name: it survives Closure (see ../shared/TOOLCHAIN.md §1).
var cofiPoolSize = Math.max(1, (Module['cofiThreads'] | 0) - 1);
