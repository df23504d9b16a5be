export function applyDiscount(price, discount) {
  if (discount.type === "percent") {
    return price * (1 - discount.value / 100);
  }
  if (discount.type === "fixed") {
    return Math.max(0, price - discount.value);
  }
  throw new Error(`unknown discount type ${discount.type}`);
}

export function vatFor(country) {
  switch (country) {
    case "DE":
      return 0.19;
    case "FR":
      return 0.2;
    case "NL":
      return 0.21;
    default:
      return 0;
  }
}

export function grossPrice(net, country) {
  return Math.round(net * (1 + vatFor(country)) * 100) / 100;
}
