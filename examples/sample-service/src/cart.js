import { applyDiscount, grossPrice } from "./pricing.js";

export class Cart {
  constructor(country) {
    this.country = country;
    this.items = [];
  }

  add(name, price, quantity = 1) {
    if (quantity <= 0) throw new Error("quantity must be positive");
    this.items.push({ name, price, quantity });
  }

  remove(name) {
    this.items = this.items.filter((item) => item.name !== name);
  }

  net(discount) {
    const sum = this.items.reduce((total, item) => total + item.price * item.quantity, 0);
    return discount ? applyDiscount(sum, discount) : sum;
  }

  total(discount) {
    return grossPrice(this.net(discount), this.country);
  }
}
