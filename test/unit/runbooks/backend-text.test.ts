import { BackendError } from '../../../src/actions/http/errors';
import { UserFacingError } from '../../../src/operations/runbook';
import { asUserFacing, backendErrorPlain, backendErrorText, rethrowAsUserFacing } from '../../../src/runbooks/backend-text';

// A backend that echoes hostile text into its error body: a broadcast mention, a link, an entity,
// bold and a code span. Slack's rules (docs.slack.dev "Formatting text for app surfaces", "Escaping
// text") escape only &, < and >; the rest has no escape and can only change formatting.
const hostile = new BackendError('Airflow', 'http_status', 'Airflow answered 500: <!channel> <https://evil.example|click> a&b *bold* `code`', 500);

describe('backend error text', () => {
  it('escapes &, < and > of the backend message once, so no mention or link survives', () => {
    expect(backendErrorText('Could not read the run', hostile)).toBe(
      'Could not read the run: Airflow answered 500: &lt;!channel&gt; &lt;https://evil.example|click&gt; a&amp;b *bold* `code`',
    );
  });

  it('escapes text that already looks escaped again: a backend message is literal text', () => {
    const err = new BackendError('Sonar', 'http_status', 'Sonar answered 400: &lt;b&gt;');
    expect(backendErrorText('Lookup failed', err)).toBe('Lookup failed: Sonar answered 400: &amp;lt;b&amp;gt;');
  });

  it('keeps the mrkdwn the bot wrote in `what`', () => {
    expect(backendErrorText('Could not read `Itaipu.scala` from <https://github.com/nubank/itaipu|itaipu>', hostile)).toMatch(
      /^Could not read `Itaipu.scala` from <https:\/\/github.com\/nubank\/itaipu\|itaipu>: Airflow answered 500: &lt;!channel&gt;/,
    );
  });

  it('leaves plain text alone for fields the Slack layer escapes when it renders them', () => {
    expect(backendErrorPlain('Could not read the dagão from Airflow', hostile)).toBe(`Could not read the dagão from Airflow: ${hostile.message}`);
    expect(backendErrorText('', hostile)).toBe('Airflow answered 500: &lt;!channel&gt; &lt;https://evil.example|click&gt; a&amp;b *bold* `code`');
  });

  it('makes a UserFacingError with the escaped text and the backend error code', () => {
    const refusal = asUserFacing('Could not read stack x', new BackendError('CloudFormation', 'throttled', 'CloudFormation is throttling <calls>'));
    expect(refusal).toBeInstanceOf(UserFacingError);
    expect(refusal).toMatchObject({ code: 'throttled', message: 'Could not read stack x: CloudFormation is throttling &lt;calls&gt;' });
  });

  it('rethrows a backend failure as a refusal and anything else as it is', () => {
    expect(() => rethrowAsUserFacing('Could not x', new BackendError('GoCD', 'timeout', 'GoCD did not answer'))).toThrow(
      expect.objectContaining({ code: 'timeout', message: 'Could not x: GoCD did not answer' }),
    );
    const bug = new TypeError('undefined is not a function');
    expect(() => rethrowAsUserFacing('Could not x', bug)).toThrow(bug);
  });
});
