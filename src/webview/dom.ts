/**
 * Small DOM helpers. Every value shown is set with textContent — nothing the host or the user
 * sends is ever parsed as HTML. Ids are DomIds (protocol.ts), the ones html.ts writes.
 */
import { feedbackIds, fieldErrorId, type DomId, type FeedbackId, type FieldId } from '../protocol';

export function byId<T extends HTMLElement = HTMLElement>(id: DomId): T {
  const element = document.getElementById(id);
  if (!element) throw new Error(`#${id} is missing from the page`);
  return element as T;
}

/** Shows only the fields whose `data-<name>` lists `value` (e.g. `data-types="nanoid secret"`). */
export function showFieldsFor(container: HTMLElement, name: string, value: string): void {
  for (const element of container.querySelectorAll<HTMLElement>(`[data-${name}]`)) {
    element.hidden = !(element.dataset[name] ?? '').split(' ').includes(value);
  }
}

/**
 * The error under a field: the control is marked invalid and described by it, so a screen reader
 * reads the message with the field. Returns undefined when there is no such field on show.
 */
export function showFieldError(id: FieldId, message: string): HTMLElement | undefined {
  const control = document.getElementById(id);
  const error = document.getElementById(fieldErrorId(id));
  // A field that is not shown cannot explain anything: the caller shows the message elsewhere.
  if (!control || !error || control.closest('[hidden]')) return undefined;
  error.textContent = message;
  error.hidden = false;
  control.setAttribute('aria-invalid', 'true');
  const described = new Set((control.getAttribute('aria-describedby') ?? '').split(' ').filter(Boolean));
  described.add(error.id);
  control.setAttribute('aria-describedby', [...described].join(' '));
  return error;
}

export function clearFieldErrors(container: HTMLElement): void {
  for (const error of container.querySelectorAll<HTMLElement>('.field-error')) {
    error.hidden = true;
    error.textContent = '';
  }
  for (const control of container.querySelectorAll<HTMLElement>('[aria-invalid]')) {
    control.removeAttribute('aria-invalid');
  }
}

/**
 * One action's feedback, right under its buttons: an indeterminate progress bar, a status line
 * (polite) and an error line (assertive).
 */
export class Feedback {
  private readonly progress: HTMLElement;
  private readonly status: HTMLElement;
  private readonly error: HTMLElement;

  constructor(readonly id: FeedbackId) {
    const ids = feedbackIds(id);
    this.progress = byId(ids.progress);
    this.status = byId(ids.status);
    this.error = byId(ids.error);
  }

  start(label: string, showProgress: boolean): void {
    this.clear();
    this.status.textContent = label;
    this.progress.hidden = !showProgress;
  }

  finish(): void {
    this.progress.hidden = true;
    this.status.textContent = '';
  }

  say(message: string): void {
    this.clear();
    this.status.textContent = message;
  }

  fail(message: string): void {
    this.clear();
    this.error.textContent = message;
    this.error.hidden = false;
  }

  clear(): void {
    this.status.textContent = '';
    this.error.textContent = '';
    this.error.hidden = true;
  }
}

/** Replaces the options of a select, keeping the chosen value when it is still there. */
export function setOptions(select: HTMLSelectElement, values: string[], empty: string): void {
  const chosen = select.value;
  select.replaceChildren(
    ...values.map((value) => {
      const option = document.createElement('option');
      option.value = value;
      option.textContent = value;
      return option;
    }),
  );
  if (values.length === 0) {
    const option = document.createElement('option');
    option.value = '';
    option.textContent = empty;
    option.disabled = true;
    select.append(option);
    select.value = '';
  } else if (values.includes(chosen)) {
    select.value = chosen;
  }
}

/** `'{0} bits'` with its arguments filled in. */
export function format(template: string, ...args: (string | number)[]): string {
  return template.replace(/\{(\d+)\}/g, (match, index: string) => String(args[Number(index)] ?? match));
}
