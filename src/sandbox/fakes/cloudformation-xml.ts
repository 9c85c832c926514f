// XML for the AWS Query protocol as CloudFormation answers it (API version 2010-05-15):
// `<XResponse xmlns=...><XResult>...</XResult><ResponseMetadata><RequestId/></ResponseMetadata></XResponse>`,
// lists as `<member>` elements, errors as `<ErrorResponse><Error><Type/><Code/><Message/></Error><RequestId/></ErrorResponse>`.
// Shapes follow the CloudFormation API reference's response syntax; the SDK client parses them back.

const NS = 'http://cloudformation.amazonaws.com/doc/2010-05-15/';

/** A node of the response tree: text, a nested object, or a list of members. Undefined fields are left out. */
export type XmlValue = string | number | boolean | undefined | XmlObject | XmlValue[];
export interface XmlObject {
  [key: string]: XmlValue;
}

/** Escapes text for an XML element or attribute. */
export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function render(name: string, value: XmlValue): string {
  if (value === undefined) return '';
  if (Array.isArray(value)) return `<${name}>${value.map((v) => render('member', v)).join('')}</${name}>`;
  if (typeof value === 'object')
    return `<${name}>${Object.entries(value)
      .map(([k, v]) => render(k, v))
      .join('')}</${name}>`;
  return `<${name}>${escapeXml(String(value))}</${name}>`;
}

/** The body of a successful `action` response. */
export function queryResponse(action: string, result: XmlObject, requestId: string): string {
  const inner = Object.entries(result)
    .map(([k, v]) => render(k, v))
    .join('');
  return `<?xml version="1.0"?>\n<${action}Response xmlns="${NS}"><${action}Result>${inner}</${action}Result><ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${action}Response>`;
}

/** The body of an error response, e.g. `Sender` / `ValidationError`. */
export function queryError(type: 'Sender' | 'Receiver', code: string, message: string, requestId: string): string {
  return `<ErrorResponse xmlns="${NS}"><Error><Type>${type}</Type><Code>${escapeXml(code)}</Code><Message>${escapeXml(message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`;
}

/** Parses `Parameters.member.1.ParameterKey=...` style form fields into a list of objects. */
export function formList(form: URLSearchParams, prefix: string): Record<string, string>[] {
  const items = new Map<number, Record<string, string>>();
  for (const [key, value] of form) {
    const m = new RegExp(`^${prefix.replace(/\./g, '\\.')}\\.member\\.(\\d+)(?:\\.(.+))?$`).exec(key);
    if (!m) continue;
    const index = Number(m[1]);
    const item = items.get(index) ?? {};
    item[m[2] ?? '_'] = value;
    items.set(index, item);
  }
  return [...items.entries()].sort(([a], [b]) => a - b).map(([, v]) => v);
}
