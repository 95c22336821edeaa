// The hosted page's words, in English and Hindi. `{merchant}` and `{payee}` are filled in (and
// escaped) where they are used. The page script gets the messages it needs as a JSON block.

export type Lang = 'en' | 'hi';
export const LANGS: Lang[] = ['en', 'hi'];
export const LANG_NAMES: Record<Lang, string> = { en: 'English', hi: 'हिन्दी' };

const en = {
  title: 'Verify your bank account',
  language: 'Language',
  asks: '{merchant} asks you to verify your bank account.',
  why: 'Pay ₹1 from that account: your bank shares its account number and the name on it, and the ₹1 comes back to you within 48 hours.',
  payee: 'Your UPI app will show the payee as {payee}.',
  openApp: 'Open your UPI app on this phone:',
  orScan: 'Or scan this QR code with a UPI app on another phone.',
  scanPhone: 'Scan with your phone: open any UPI app and scan this QR code.',
  qrAlt: 'UPI QR code to pay ₹1',
  apps: 'UPI apps',
  otherApp: 'Other UPI app',
  timeLeft: 'Time left',
  urgent: 'Less than a minute left',
  retryHint: 'Did the payment fail in your app? You can try again while time is left.',
  returned: 'We received a payment of a different amount: it will be returned to you. Pay exactly ₹1 to verify. You can try again now.',
  CREATED: 'Waiting for your payment…',
  CHECKING: 'Time is up. If you paid just now, we are checking with your bank: this page updates by itself.',
  SUCCESS: 'Bank account verified.',
  FAILURE: 'Your bank declined the payment.',
  EXPIRED: 'This link has expired.',
  nextSUCCESS: 'Your ₹1 comes back to the same account within 48 hours. You can close this page.',
  nextFAILURE: 'No money left your account. This link cannot be used again: go back to {merchant} to try again.',
  nextEXPIRED: 'If you paid, the ₹1 comes back within 48 hours. Go back to {merchant} to start again.',
  backSUCCESS: 'Return to {merchant}',
  backFAILURE: 'Try again at {merchant}',
  backEXPIRED: 'Start again at {merchant}',
  takingBack: 'Taking you back…',
  pin: 'You enter your UPI PIN only in your UPI app, never on this page.',
  notFound: 'Link not found',
  notFoundText: 'This verification link does not exist. Please go back and start again.',
  trouble: 'Something went wrong',
  troubleText: 'This page could not be loaded just now. Please try again in a moment.',
  troubleRetry: 'It tries again by itself in a few seconds.',
  testMode: 'Test mode',
  testText: "No real money moves. Simulate the customer's payment:",
  payAs: 'Pay as {vpa}',
  failAs: 'Fail as {vpa}',
  payWrong: 'Pay ₹2 (wrong amount)',
  noAnswer: 'The sandbox did not answer.',
};

export type Messages = typeof en;

const hi: Messages = {
  title: 'अपना बैंक खाता सत्यापित करें',
  language: 'भाषा',
  asks: '{merchant} आपके बैंक खाते का सत्यापन करना चाहता है।',
  why: 'उसी खाते से ₹1 का भुगतान करें: आपका बैंक खाता संख्या और खाताधारक का नाम बताता है, और ₹1 48 घंटों के भीतर आपको वापस मिल जाता है।',
  payee: 'आपके UPI ऐप में प्राप्तकर्ता का नाम {payee} दिखेगा।',
  openApp: 'इस फ़ोन पर अपना UPI ऐप खोलें:',
  orScan: 'या किसी दूसरे फ़ोन के UPI ऐप से यह QR कोड स्कैन करें।',
  scanPhone: 'अपने फ़ोन से स्कैन करें: कोई भी UPI ऐप खोलें और यह QR कोड स्कैन करें।',
  qrAlt: '₹1 भुगतान के लिए UPI QR कोड',
  apps: 'UPI ऐप',
  otherApp: 'अन्य UPI ऐप',
  timeLeft: 'बचा समय',
  urgent: 'एक मिनट से कम समय बचा है',
  retryHint: 'क्या ऐप में भुगतान नहीं हुआ? समय बचे रहने तक आप फिर से कोशिश कर सकते हैं।',
  returned: 'हमें किसी दूसरी राशि का भुगतान मिला है: वह आपको लौटा दिया जाएगा। सत्यापन के लिए ठीक ₹1 का भुगतान करें। आप अभी फिर से कोशिश कर सकते हैं।',
  CREATED: 'आपके भुगतान की प्रतीक्षा है…',
  CHECKING: 'समय समाप्त हो गया। अगर आपने अभी भुगतान किया है, तो हम आपके बैंक से पुष्टि कर रहे हैं: यह पेज अपने-आप अपडेट हो जाएगा।',
  SUCCESS: 'बैंक खाता सत्यापित हो गया।',
  FAILURE: 'आपके बैंक ने भुगतान अस्वीकार कर दिया।',
  EXPIRED: 'इस लिंक की समय-सीमा समाप्त हो गई है।',
  nextSUCCESS: 'आपका ₹1 48 घंटों के भीतर उसी खाते में वापस आ जाएगा। आप यह पेज बंद कर सकते हैं।',
  nextFAILURE: 'आपके खाते से कोई पैसा नहीं कटा। यह लिंक दोबारा काम नहीं करेगा: फिर से कोशिश करने के लिए {merchant} पर वापस जाएँ।',
  nextEXPIRED: 'अगर आपने भुगतान किया है, तो ₹1 48 घंटों के भीतर वापस आ जाएगा। फिर से शुरू करने के लिए {merchant} पर वापस जाएँ।',
  backSUCCESS: '{merchant} पर वापस जाएँ',
  backFAILURE: '{merchant} पर फिर से कोशिश करें',
  backEXPIRED: '{merchant} पर फिर से शुरू करें',
  takingBack: 'आपको वापस ले जा रहे हैं…',
  pin: 'UPI PIN केवल अपने UPI ऐप में डालें, इस पेज पर कभी नहीं।',
  notFound: 'लिंक नहीं मिला',
  notFoundText: 'यह सत्यापन लिंक मौजूद नहीं है। कृपया वापस जाकर फिर से शुरू करें।',
  trouble: 'कुछ गड़बड़ हो गई',
  troubleText: 'यह पेज अभी लोड नहीं हो सका। कृपया थोड़ी देर में फिर से कोशिश करें।',
  troubleRetry: 'यह कुछ सेकंड में अपने आप फिर से कोशिश करेगा।',
  testMode: 'टेस्ट मोड',
  testText: 'असली पैसा नहीं जाता। ग्राहक के भुगतान का अनुकरण करें:',
  payAs: '{vpa} के रूप में भुगतान करें',
  failAs: '{vpa} के रूप में भुगतान विफल करें',
  payWrong: '₹2 का भुगतान करें (गलत राशि)',
  noAnswer: 'सैंडबॉक्स ने जवाब नहीं दिया।',
};

export const MESSAGES: Record<Lang, Messages> = { en, hi };

/**
 * The language to answer in: an explicit choice (the switch's ?lang=, then its cookie), else the
 * first of Accept-Language's tags by weight that the page speaks, else English.
 */
export function pickLang(query: unknown, cookie: string | undefined, acceptLanguage: string | undefined): Lang {
  if (query === 'en' || query === 'hi') return query;
  if (cookie === 'en' || cookie === 'hi') return cookie;
  const tags = (acceptLanguage ?? '')
    .slice(0, 512)
    .split(',')
    .map((part, i) => {
      const [tag, ...params] = part.trim().toLowerCase().split(';');
      const q = params.map((p) => /^\s*q=([0-9.]+)\s*$/.exec(p)?.[1]).find(Boolean);
      return { lang: tag.split('-')[0], q: q === undefined ? 1 : Number(q), i };
    })
    .filter((t) => t.q > 0)
    .sort((a, b) => b.q - a.q || a.i - b.i);
  for (const t of tags) if (t.lang === 'en' || t.lang === 'hi') return t.lang;
  return 'en';
}

/** One cookie's value from a Cookie header. */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}
