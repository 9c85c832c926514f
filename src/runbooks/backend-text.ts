import { BackendError } from '../actions/http/errors';
import { UserFacingError } from '../operations/runbook';
import { escapeMrkdwn } from '../util/text';

// A BackendError's message is literal text: the bot wrote most of it, but it quotes what the backend said
// (a body excerpt, a GitHub message), and that part must never become a mention or a link in Slack.
// Where the text lands decides who escapes it, and it must be escaped exactly once:
// - mrkdwn the runbook writes itself (a UserFacingError, a note in a plan): escaped here, by backendErrorText;
// - fields the Slack layer escapes when it renders them (a step summary, a preview line's value): left
//   as they are, by backendErrorPlain, or the person would read `&amp;lt;`.
// Slack's rules escape only `&`, `<` and `>`; `*`, `_`, `~` and backticks have no escape and can only
// change formatting, so they are kept (the bot's own messages use backticks on purpose).

/** A backend failure as mrkdwn after `what` (mrkdwn the bot wrote, `Could not read the stack`): the error's message escaped once. */
export function backendErrorText(what: string, err: BackendError): string {
  const said = escapeMrkdwn(err.message);
  return what ? `${what}: ${said}` : said;
}

/** A backend failure as plain text after `what`, for fields the Slack layer escapes itself (step summaries, preview values). */
export function backendErrorPlain(what: string, err: BackendError): string {
  return what ? `${what}: ${err.message}` : err.message;
}

/** The refusal shown to the person when a backend fails while planning; it keeps the error's code for the logs and metrics. */
export function asUserFacing(what: string, err: BackendError): UserFacingError {
  return new UserFacingError(backendErrorText(what, err), err.code);
}

/** Rethrows a BackendError as the refusal `asUserFacing` makes; anything else (a bug) is rethrown as it is. */
export function rethrowAsUserFacing(what: string, err: unknown): never {
  if (err instanceof BackendError) throw asUserFacing(what, err);
  throw err;
}
