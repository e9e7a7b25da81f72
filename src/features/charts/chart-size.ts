/** The probability chart's height for `classes` bars: the chart draws at it, and its placeholders keep it. */
const BAR_HEIGHT = 22;
export const chartHeight = (classes: number) => classes * BAR_HEIGHT + 12;
