// The sandbox's simulated UPI users: who pays, from which account, and how their bank behaves.

export interface SandboxPayer {
  vpa: string;
  name: string;
  account: string;
  ifsc: string;
  accountType: 'SAVINGS' | 'CURRENT';
  /** How this payer's bank behaves (documented in docs/sandbox.md). */
  behaviour?: 'decline_payment' | 'refund_fails_once' | 'refund_answer_lost';
  mobile?: string;
}

export const SANDBOX_PAYERS: SandboxPayer[] = [
  { vpa: 'success@upi', name: 'JOHN DOE', account: '026291800001191', ifsc: 'YESB0000262', accountType: 'SAVINGS', mobile: '9999999999' },
  { vpa: 'failure@upi', name: 'JANE DOE', account: '026291800001192', ifsc: 'YESB0000262', accountType: 'SAVINGS', behaviour: 'decline_payment' },
  { vpa: 'priya.sharma@okaxis', name: 'PRIYA SHARMA', account: '917010047162835', ifsc: 'UTIB0000007', accountType: 'SAVINGS' },
  { vpa: 'rkumar.trading@okicici', name: 'RAMESH KUMAR TRADING CO', account: '000605012345', ifsc: 'ICIC0000006', accountType: 'CURRENT' },
  { vpa: 'mohd.irfan@ybl', name: 'MOHAMMED IRFAN', account: '50100123456789', ifsc: 'INDB0000006', accountType: 'SAVINGS' },
  { vpa: 'lakshmi.n@okhdfcbank', name: 'N LAKSHMI', account: '7411234567', ifsc: 'KKBK0000142', accountType: 'SAVINGS' },
  { vpa: 'refundfail@upi', name: 'ARJUN MEHTA', account: '026291800001193', ifsc: 'YESB0000262', accountType: 'SAVINGS', behaviour: 'refund_fails_once' },
  { vpa: 'refundtimeout@upi', name: 'KAVYA IYER', account: '026291800001194', ifsc: 'YESB0000262', accountType: 'SAVINGS', behaviour: 'refund_answer_lost' },
];

const byVpa = new Map(SANDBOX_PAYERS.map((p) => [p.vpa.toLowerCase(), p]));

// A large generated population for load tests: payer1@sandbox ... payer100000@sandbox.
const GENERATED = /^payer([1-9]\d{0,4}|100000)@sandbox$/;
const NAMES = ['AMIT', 'SUNITA', 'RAHUL', 'DEEPA', 'VIKRAM', 'ANJALI', 'SURESH', 'MEERA', 'ARJUN', 'FATIMA'];
const SURNAMES = ['SHARMA', 'REDDY', 'PATEL', 'NAIR', 'SINGH', 'KHAN', 'DAS', 'IYER', 'GILL', 'MEHTA'];

export function findPayer(vpa: string): SandboxPayer | null {
  const key = vpa.toLowerCase();
  const known = byVpa.get(key);
  if (known) return known;
  const m = GENERATED.exec(key);
  if (!m) return null;
  const n = Number(m[1]);
  return {
    vpa: key,
    name: `${NAMES[n % 10]} ${SURNAMES[Math.floor(n / 10) % 10]}`,
    account: String(30000000000 + n * 7),
    ifsc: 'YESB0000262',
    accountType: 'SAVINGS',
  };
}
