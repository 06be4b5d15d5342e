// Preloaded into the API child by the benchmark (node --import): the child's stdin is a pipe from
// the benchmark, so when the benchmark dies in any way, even by SIGKILL, the pipe closes and the
// API exits instead of lingering on its port.
process.stdin.on('end', () => process.exit(0));
process.stdin.on('error', () => process.exit(0));
process.stdin.resume();
