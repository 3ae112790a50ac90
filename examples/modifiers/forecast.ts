/**
 * A reusable forecast for one channel, used twice through `subdag` (once per
 * channel, each with its own growth rate and spend).
 */

/** Week-over-week growth, damped when `cautious` is set in the subdag's config. */
export const growth = (growthRate: number, cautious = false) => (cautious ? growthRate / 2 : growthRate);

/** Next week's spend if the trend holds. */
export const nextWeek = async (spend: number, growth: number) => Math.round(spend * (1 + growth));
