// The live shop: its data, its clock, and the two things every change must do (announce a webhook topic and
// mark the data dirty for persistence), so domain code cannot forget either.
import { emptyShop, isoSeconds, type CustomerRecord, type ShopData } from './state.js';

export interface ShopEvent {
  /** REST-style topic, e.g. customers/update */
  topic: string;
  /** the webhook body, built at the moment of the change */
  body: Record<string, unknown>;
  occurredAt: string;
}

export interface ShopSettings {
  domain: string;
  name: string;
  planName: string;
  currencyCode: string;
}

export class Shop {
  data: ShopData = emptyShop();
  private listeners: Array<(e: ShopEvent) => void> = [];
  private changeListeners: Array<() => void> = [];

  constructor(
    readonly settings: ShopSettings,
    readonly clock: () => number,
  ) {}

  /** Now as Shopify prints it (UTC, seconds). */
  nowIso(): string {
    return isoSeconds(this.clock());
  }

  nextId(): number {
    return this.data.nextId++;
  }

  customer(id: number): CustomerRecord | undefined {
    return this.data.customers.find((c) => c.id === id);
  }

  customerByEmail(email: string): CustomerRecord | undefined {
    const e = email.trim().toLowerCase();
    return this.data.customers.find((c) => c.email !== null && c.email.toLowerCase() === e);
  }

  customerByPhone(phone: string): CustomerRecord | undefined {
    return this.data.customers.find((c) => c.phone === phone);
  }

  /** Subscribe to shop events (webhook topics). */
  onEvent(fn: (e: ShopEvent) => void): void {
    this.listeners.push(fn);
  }

  /** Subscribe to any change of the data (for persistence). */
  onChange(fn: () => void): void {
    this.changeListeners.push(fn);
  }

  emit(topic: string, body: Record<string, unknown>): void {
    const e = { topic, body, occurredAt: new Date(this.clock()).toISOString() };
    for (const fn of this.listeners) fn(e);
  }

  changed(): void {
    for (const fn of this.changeListeners) fn();
  }

  /** Replace all data (reset or load from a file). */
  replace(data: ShopData): void {
    this.data = data;
    this.changed();
  }
}
