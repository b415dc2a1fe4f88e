/**
 * Probes `<url>/healthz` every 10 ms until stdin closes, then prints the latencies (ms) as one JSON
 * array. A process of its own, so a load generator's busy event loop never delays the probe and
 * every figure is the server's.
 */
const url = process.argv[2]!;
const latencies: number[] = [];
let probing = true;
process.stdin.on('end', () => {
  probing = false;
});
process.stdin.resume();
while (probing) {
  const started = performance.now();
  await fetch(`${url}/healthz`).then((response) => response.arrayBuffer());
  latencies.push(performance.now() - started);
  await new Promise((resolve) => setTimeout(resolve, 10));
}
console.log(JSON.stringify(latencies));
