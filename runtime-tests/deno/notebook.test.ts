/** Runs the code cells of examples/notebook/notebook.ipynb, in order, as one Deno script (twice: the second run hits the cache). */

Deno.test("the notebook's cells run on Deno, and a second run reuses the cache", async () => {
  const here = new URL("../../examples/notebook/", import.meta.url);
  const notebook = JSON.parse(await Deno.readTextFile(new URL("notebook.ipynb", here))) as {
    cells: { cell_type: string; source: string[] }[];
  };
  const code = notebook.cells.filter((c) => c.cell_type === "code").map((c) => c.source.join("")).join("\n\n");
  const script = new URL(".notebook-cells.ts", here);
  const cwd = await Deno.makeTempDir({ prefix: "weft-notebook-" });
  await Deno.writeTextFile(script, code);
  try {
    const run = async () => {
      const out = await new Deno.Command(Deno.execPath(), { args: ["run", "-A", script.pathname], cwd, stdout: "piped", stderr: "piped" }).output();
      const text = new TextDecoder().decode(out.stdout);
      if (out.code !== 0) throw new Error(`notebook cells failed: ${new TextDecoder().decode(out.stderr)}`);
      return text;
    };
    const first = await run();
    if (!first.includes("best region: west (2218)") || !first.includes("computed")) throw new Error(`unexpected first run: ${first}`);
    const second = await run();
    if ((second.match(/from cache/g) ?? []).length !== 4) throw new Error(`the second run should hit all four nodes: ${second}`);
    if (!second.includes("hit: reused the result computed in run")) throw new Error(`explain() should report a hit: ${second}`);
  } finally {
    await Deno.remove(script);
    await Deno.remove(cwd, { recursive: true });
  }
});
