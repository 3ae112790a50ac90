/**
 * A small sales flow. Every exported function is a node; its parameters name
 * the nodes (or inputs) it depends on. The three loaders are async and
 * independent, so weft runs them at the same time.
 */

export interface Order {
  readonly customer: string;
  readonly amount: number;
  readonly currency: "EUR" | "USD";
}

/** Simulated I/O: a database or an HTTP API would go here. */
const latency = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Orders of the day (async: waits on "the database"). */
export async function orders(day: string): Promise<Order[]> {
  await latency(200);
  return [
    { customer: "ada", amount: 120, currency: "EUR" },
    { customer: "grace", amount: 80, currency: "USD" },
    { customer: "ada", amount: 40, currency: "USD" },
    { customer: "linus", amount: 300, currency: "EUR" },
  ].map((o) => ({ ...o, customer: `${o.customer}@${day}` })) as Order[];
}

/** Exchange rate USD -> EUR (async: waits on "a rates API"). */
export async function usdToEur(): Promise<number> {
  await latency(200);
  return 0.9;
}

/** Customers flagged as test accounts (async: waits on "a CRM"). */
export async function testAccounts(day: string): Promise<Set<string>> {
  await latency(200);
  return new Set([`linus@${day}`]);
}

/** Orders without test accounts (sync). */
export function realOrders(orders: Order[], testAccounts: Set<string>): Order[] {
  return orders.filter((o) => !testAccounts.has(o.customer));
}

/** Revenue in EUR (sync, destructured form: tsc checks each edge's type). */
export const revenueEur = ({ realOrders, usdToEur }: { realOrders: Order[]; usdToEur: number }): number =>
  realOrders.reduce((sum, o) => sum + (o.currency === "EUR" ? o.amount : o.amount * usdToEur), 0);

/** A one-line report; `currencySymbol` is optional and defaults to "€". */
export function report(revenueEur: number, realOrders: Order[], currencySymbol = "€"): string {
  return `${realOrders.length} orders, revenue ${currencySymbol}${revenueEur.toFixed(2)}`;
}
