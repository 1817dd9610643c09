// Times one in-process synth of every stack; prints {importMs, buildMs, stacks} as JSON.
const started = process.hrtime.bigint();
const ms = (from: bigint) => Number(process.hrtime.bigint() - from) / 1e6;

async function main(): Promise<void> {
  const { buildApp } = await import("../main");
  const importMs = ms(started);
  const built = process.hrtime.bigint();
  const app = buildApp();
  app.synth();
  const stacks = app.node.children.length;
  console.log(JSON.stringify({ importMs, buildMs: ms(built), stacks }));
}

void main();
