/**
 * The buttons in the title bars of the sidebar's views (Regenerate, Insert and Copy in Generate
 * Key; Save in Key Pair; Encrypt Selection and Decrypt Selection in Encrypt and Decrypt). Each
 * asks its view's page to press its own button of that action, so a title-bar click and a click
 * in the page run the same code, with the page's choices (key type, key source, …) and its inline
 * errors. They are hidden from the Command Palette: without the view's form they mean nothing.
 */
import type { Operation, ViewAction } from '../protocol';

/** What runs an action in a view (the sidebar's OperationViews; this layer does not import it). */
export interface ViewActionRunner {
  run(operation: Operation, action: ViewAction): Promise<void>;
}

export function viewTitleActionCommand<O extends Operation>(
  views: ViewActionRunner,
  operation: O,
  action: ViewAction,
): () => Promise<void> {
  return () => views.run(operation, action);
}
