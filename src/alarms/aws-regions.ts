/**
 * The long region names CloudWatch writes in the `Region` field of its SNS alarm message, to region codes.
 * Both spellings AWS has used are listed (`EU (Ireland)` in the console's current naming, `EU - Ireland`
 * in older messages). A name missing here leaves the region to the AlarmArn, which carries the code.
 */
const LONG_NAMES: Record<string, string> = {
  'US East (N. Virginia)': 'us-east-1',
  'US East (Ohio)': 'us-east-2',
  'US West (N. California)': 'us-west-1',
  'US West (Oregon)': 'us-west-2',
  'Africa (Cape Town)': 'af-south-1',
  'Asia Pacific (Hong Kong)': 'ap-east-1',
  'Asia Pacific (Mumbai)': 'ap-south-1',
  'Asia Pacific (Osaka)': 'ap-northeast-3',
  'Asia Pacific (Seoul)': 'ap-northeast-2',
  'Asia Pacific (Singapore)': 'ap-southeast-1',
  'Asia Pacific (Sydney)': 'ap-southeast-2',
  'Asia Pacific (Tokyo)': 'ap-northeast-1',
  'Asia Pacific (Jakarta)': 'ap-southeast-3',
  'Canada (Central)': 'ca-central-1',
  'EU (Frankfurt)': 'eu-central-1',
  'EU (Ireland)': 'eu-west-1',
  'EU (London)': 'eu-west-2',
  'EU (Paris)': 'eu-west-3',
  'EU (Stockholm)': 'eu-north-1',
  'EU (Milan)': 'eu-south-1',
  'Europe (Frankfurt)': 'eu-central-1',
  'Europe (Ireland)': 'eu-west-1',
  'Europe (London)': 'eu-west-2',
  'Europe (Paris)': 'eu-west-3',
  'Europe (Stockholm)': 'eu-north-1',
  'EU - Ireland': 'eu-west-1',
  'Middle East (Bahrain)': 'me-south-1',
  'South America (Sao Paulo)': 'sa-east-1',
  'South America (São Paulo)': 'sa-east-1',
};

// One token checked on its own (never a scan over a post): `us-east-1`, `ap-southeast-3`, `us-gov-west-1`.
const REGION_CODE = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;

/** A region code as is, or the code of a long name; undefined when it is neither. */
export function regionCode(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const v = value.trim();
  if (REGION_CODE.test(v)) return v;
  return Object.hasOwn(LONG_NAMES, v) ? LONG_NAMES[v] : undefined;
}
