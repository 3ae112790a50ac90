// Type-checked by tsc --noEmit against the installed package's declarations.
import { Builder } from "weft";
import * as flow from "./flow.ts";

const dr = await new Builder().withModules(flow).build();
const result = await dr.execute(["sum", "label"], { inputs: { count: 3 } });
const sum: number = result.sum;
const label: string = result.label;
// @ts-expect-error a misspelt output is a compile error
await dr.execute(["summ"], { inputs: { count: 3 } });
// @ts-expect-error an output's type is the node's return type
const wrong: string = result.sum;
console.log(sum, label, wrong);
