/**
 * What every form shares: the app context, and running one request at a time with its feedback
 * (busy state, progress, the error shown next to the field it concerns).
 */
import type {
  Defaults,
  DomId,
  FeedbackId,
  FieldId,
  ReplyError,
  RequestType,
  Results,
  WebviewStrings,
} from '../protocol';
import type { Outcome, RequestClient } from './client';
import { byId, clearFieldErrors, Feedback, showFieldError } from './dom';

export interface App {
  readonly client: RequestClient;
  /** Set by `init`; the forms act only after it (main keeps the page aria-busy until then). */
  readonly strings: WebviewStrings;
  readonly defaults: Defaults;
  readonly keyNames: readonly string[];
  /** Remembers the non-secret choices (see PERSISTED_CONTROLS). */
  saveState(): void;
}

/** What main tells a form after the handshake and when the host's data changes. */
export interface FormController {
  init(): void;
  defaultsChanged(): void;
  keyNamesChanged(): void;
}

interface RunOptions<K extends RequestType> {
  feedback: Feedback;
  /** The status while it runs, e.g. "Working…". */
  label: string;
  /** Show the progress bar (for what takes a noticeable time: RSA, PBKDF2). */
  progress?: boolean;
  send: () => Promise<Outcome<K>>;
  /** The id of the control an error concerns, if any; otherwise it shows under the buttons. */
  fieldFor: (error: ReplyError) => FieldId | undefined;
}

/** The requests whose result carries a message to show. */
type MessageRequest = { [K in RequestType]: Results[K] extends { message: string } ? K : never }[RequestType];

export class FormRunner {
  private busy = false;
  readonly form: HTMLFormElement;
  private readonly feedbacks: Feedback[];

  constructor(id: DomId, feedbackIds: FeedbackId[]) {
    this.form = byId<HTMLFormElement>(id);
    this.feedbacks = feedbackIds.map((feedbackId) => new Feedback(feedbackId));
    // Enter in a field does what the form's submit button does (or nothing); never a page load.
    this.form.addEventListener('submit', (event) => event.preventDefault());
  }

  feedback(index = 0): Feedback {
    return this.feedbacks[index]!;
  }

  get isBusy(): boolean {
    return this.busy;
  }

  /** Clears old errors, then shows `message` under field `id` (or under the buttons) and focuses it. */
  invalid(feedback: Feedback, id: FieldId | undefined, message: string): void {
    this.clearAll();
    this.showError(feedback, id, message);
  }

  clearAll(): void {
    clearFieldErrors(this.form);
    for (const feedback of this.feedbacks) feedback.clear();
  }

  /**
   * Runs one request and shows its error, if any; resolves with its outcome, or undefined when it
   * was not sent because another request of this form is still running.
   */
  async run<K extends RequestType>(options: RunOptions<K>): Promise<Outcome<K> | undefined> {
    if (this.busy) return undefined;
    this.busy = true;
    this.clearAll();
    options.feedback.start(options.label, options.progress ?? false);
    this.form.setAttribute('aria-busy', 'true');
    // aria-disabled rather than disabled: a disabled button would drop the keyboard focus.
    for (const button of this.form.querySelectorAll('button')) button.setAttribute('aria-disabled', 'true');
    let outcome: Outcome<K>;
    try {
      outcome = await options.send();
    } finally {
      this.busy = false;
      options.feedback.finish();
      this.form.removeAttribute('aria-busy');
      for (const button of this.form.querySelectorAll('button')) button.removeAttribute('aria-disabled');
    }
    if (!outcome.ok) this.showError(options.feedback, options.fieldFor(outcome.error), outcome.error.message);
    return outcome;
  }

  /**
   * A quick action (copy, insert): no status while it runs, no field, and its result's message
   * ("Copied.") shown under `feedback`.
   */
  async act<K extends MessageRequest>(feedback: Feedback, send: () => Promise<Outcome<K>>): Promise<void> {
    const outcome = await this.run({ feedback, label: '', send, fieldFor: () => undefined });
    if (outcome?.ok) feedback.say((outcome.result as { message: string }).message);
  }

  private showError(feedback: Feedback, id: FieldId | undefined, message: string): void {
    const shown = id !== undefined && showFieldError(id, message);
    if (shown) document.getElementById(id)?.focus();
    else feedback.fail(message);
  }
}
