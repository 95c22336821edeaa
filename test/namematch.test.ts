// Name matching: behaviours one by one, the bands, symmetry, and the quality floor on the
// labelled data set in bench/namematch/pairs.tsv.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { holdOutAttested } from '../src/engine/namematch/attested.js';
import { ATTESTED } from '../src/engine/namematch/attested-data.js';
import { calibrate, KNOTS } from '../src/engine/namematch/calibration.js';
import {
  classify,
  DEFAULT_BANDS,
  matchNames,
  rawScore,
  validateBands,
  type NameMatch,
  type NameMatchBands,
} from '../src/engine/namematch/index.js';
import { corpusNames, corpusWords, scriptPairs, vary, varyAgainstScript, varyNames, varySlipped, varyTwice, type Outcome } from './support/name-variations.js';
import { generated } from '../bench/namematch/build-o-names.js';
import { fit } from '../bench/namematch/calibrate.js';

const ACCEPTED = new Set(['DIRECT_MATCH', 'GOOD_PARTIAL_MATCH']);
const codes = (m: NameMatch) => m.reason.split(',');

function accepts(a: string, b: string, code?: string): NameMatch {
  const m = matchNames(a, b);
  assert.ok(ACCEPTED.has(m.result), `${a} | ${b} should be accepted: ${JSON.stringify(m)}`);
  if (code) assert.ok(codes(m).includes(code), `${a} | ${b} should give ${code}: ${m.reason}`);
  return m;
}

function refuses(a: string, b: string, code?: string): NameMatch {
  const m = matchNames(a, b);
  assert.ok(!ACCEPTED.has(m.result), `${a} | ${b} should be refused: ${JSON.stringify(m)}`);
  if (code) assert.ok(codes(m).includes(code), `${a} | ${b} should give ${code}: ${m.reason}`);
  return m;
}

describe('Cashfree published examples', () => {
  it('JOHN DOE / JOHN DOE is a direct match', () => {
    assert.deepEqual(matchNames('JOHN DOE', 'JOHN DOE'), { score: 100, result: 'DIRECT_MATCH', reason: 'EXACT' });
  });
  it('JOHN DOE / JOHN: stricter than Cashfree (0.85), a single token is not accepted', () => {
    // Partial matches keep their raw score (calibration.ts): MODERATE, for a review.
    const m = refuses('JOHN DOE', 'JOHN', 'SINGLE_TOKEN');
    assert.equal(m.result, 'MODERATE_PARTIAL_MATCH');
    assert.ok(codes(m).includes('MISSING_TOKEN'));
  });
  it('JOHN DOE / TOM is no match', () => {
    const m = matchNames('JOHN DOE', 'TOM');
    assert.equal(m.result, 'NO_MATCH');
    assert.equal(m.reason, 'DIFFERENT');
  });
  it('JOHN DOE / Mr. John K Doe is a good match', () => {
    const m = accepts('JOHN DOE', 'Mr. John K Doe', 'HONORIFIC_REMOVED');
    assert.equal(m.result, 'GOOD_PARTIAL_MATCH');
  });
});

describe('normalisation: direct matches', () => {
  it('case, punctuation and spacing', () => {
    for (const [a, b] of [
      ['rajesh  kumar. sharma', 'RAJESH KUMAR SHARMA'],
      ["Anthony D'Souza", 'ANTHONY DSOUZA'],
      ['Mary-Ann Fernandes', 'MARY ANN FERNANDES'],
      ['José Fernandes', 'JOSE FERNANDES'],
      ['R.K. Laxman', 'R K LAXMAN'],
      ['RK LAXMAN', 'R K LAXMAN'],
    ]) {
      const m = matchNames(a, b);
      assert.equal(m.score, 100, `${a} | ${b}: ${m.reason}`);
      assert.equal(m.result, 'DIRECT_MATCH');
    }
  });
  it('honorifics and titles are removed', () => {
    for (const t of ['Mr', 'Mrs.', 'Ms', 'Miss', 'Shri', 'Sri', 'Smt.', 'Kumari', 'Kum.', 'Dr.', 'Late', 'Prof.', 'Late Shri', 'Dr (Mrs)', 'Adv.', 'Advocate', 'Er.', 'Engr.', 'Eng.']) {
      const m = matchNames(`${t} Anjali Menon`, 'ANJALI MENON');
      assert.equal(m.score, 100, `${t}: ${m.reason}`);
      assert.ok(codes(m).includes('HONORIFIC_REMOVED'));
    }
  });
  it('a title with its long vowel written double is a title too', () => {
    for (const t of ['Sardaar', 'Maulaana', 'Haaji']) {
      const m = matchNames(`${t} Harpreet Saini`, 'HARPREET SAINI');
      assert.equal(m.score, 100, `${t}: ${m.reason}`);
    }
    assert.notEqual(matchNames('KAA SHARMA', 'SHARMA').score, 100); // too short to be read as a title
  });
  it('the title Haji as Bengal and Assam spell it, with z, and Alhaj', () => {
    assert.equal(matchNames('HAJI RAFIQUL ISLAM', 'HAZI RAFIQUL ISLAM').score, 100);
    assert.equal(matchNames('Hazee Rafiqul Islam', 'RAFIQUL ISLAM').score, 100);
    assert.equal(matchNames('ALHAJ RAFIQUL ISLAM', 'ALHAZ RAFIQUL ISLAM').score, 100);
    assert.equal(matchNames('Mosammat Rahima Khatun', 'RAHIMA KHATUN').score, 100);
  });
  it("a listed title's own long spellings fold as the word's do", () => {
    // Listed as THIRUMATHI, written with t; listed as HAJI, written with ee and aa.
    assert.equal(matchNames('Tirumati Kavitha Rajan', 'KAVITHA RAJAN').score, 100);
    assert.equal(matchNames('Haajee Rafiqul Islam', 'RAFIQUL ISLAM').score, 100);
    assert.equal(matchNames('Shreemathi Kavitha Rajan', 'KAVITHA RAJAN').score, 100);
  });
  it('titles that are also names: Sau. and Chi. of Marathi records', () => {
    for (const t of ['Sau.', 'Sou.', 'Chi.']) {
      assert.equal(matchNames(`${t} Sunita Patil`, 'SUNITA PATIL').score, 100, t);
    }
    // A name of its own where it is one (Sau, as Bengal writes Shaw).
    accepts('SAU RAKESH', 'RAKESH SAU', 'TOKEN_ORDER');
  });
  it('a leading SRI that is part of the name is kept as a name part', () => {
    assert.equal(matchNames('SRI DEVI KAPOOR', 'SRIDEVI KAPOOR').score, 100);
    // The Tamil Thiru (Mr) begins names too (Thirumurugan, Thirunavukkarasu); still a title.
    assert.equal(matchNames('THIRU MURUGAN K', 'THIRUMURUGAN K').score, 100);
    assert.equal(matchNames('THIRU K MURUGAN', 'K MURUGAN').score, 100);
    // Advocate too, which word lists hold as a word: the name is read with it and without it.
    accepts('ADVOCATE GUPTA', 'ADVACATE GUPTA');
  });
  it('relation markers drop the father / husband name', () => {
    for (const tail of ['S/O SURESH KUMAR', 'D/O SURESH KUMAR', 'W/O SURESH KUMAR', 'C/O SURESH KUMAR', 'S.O. SURESH KUMAR',
      'SON OF SURESH KUMAR', 'WIFE OF SURESH KUMAR', 'SO SURESH KUMAR']) {
      const m = matchNames(`RAMA DEVI ${tail}`, 'Rama Devi');
      assert.equal(m.score, 100, `${tail}: ${m.reason}`);
      assert.ok(codes(m).includes('RELATION_REMOVED'));
    }
  });
  it("a minor's account held through a guardian names the minor, not the guardian", () => {
    for (const name of ['RAHUL KUMAR U/G SURESH KUMAR', 'RAHUL KUMAR (MINOR) U/G SURESH KUMAR', 'RAHUL KUMAR THRU SURESH KUMAR',
      'MINOR RAHUL KUMAR THROUGH GUARDIAN SURESH KUMAR']) {
      const m = matchNames(name, 'Rahul Kumar');
      assert.equal(m.score, 100, `${name}: ${m.reason}`);
      refuses(name, 'SURESH KUMAR');
    }
    // U.G. with dots is as often two initials; a record that names its holder only by the
    // relative (W.O. RAMESH KUMAR) is still no one's.
    assert.equal(matchNames('U.G. KRISHNAN', 'U G KRISHNAN').score, 100);
    assert.equal(matchNames('ANIL U.G. MENON', 'ANIL U G MENON').score, 100);
    assert.equal(matchNames('W.O. RAMESH KUMAR', 'RAMESH KUMAR').score, 0);
    // The guardian may come first, GUARDIAN OF the minor: no marker.
    refuses('SURESH SHARMA GUARDIAN OF RAHUL SHARMA', 'SURESH SHARMA');
  });
  it('given name plus father name against a relation marker (Telugu style) is accepted', () => {
    accepts('RAJU S/O VENKAIAH', 'RAJU VENKAIAH', 'RELATION_REMOVED');
    // The father's name as an initial, before or after (the South Indian convention).
    accepts('RAVI S/O KRISHNAN', 'RAVI K', 'RELATION_REMOVED');
    accepts('RAVI S/O KRISHNAN', 'K RAVI', 'RELATION_REMOVED');
    const other = matchNames('RAVI S/O KRISHNAN', 'RAVI M');
    assert.ok(other.score < 85, JSON.stringify(other));
    // Not the other way round: an initial in the relation does not stand for a full family name.
    const rao = matchNames('SURESH S/O R', 'SURESH RAO');
    assert.ok(rao.score < 85, JSON.stringify(rao));
    accepts('MURUGAN S/O RAMASAMY', 'RAMASAMY MURUGAN', 'RELATION_REMOVED');
  });
  it('the relative a record names, as a record of their own, is another person', () => {
    // The father's record against the son's: the tail explains the father's given name, and the
    // son's given name stands against it. Was a missing given name (65).
    for (const [a, b] of [['RAM SHARMA', 'AMIT SHARMA S/O RAM SHARMA'], ['RAJESH KUMAR', 'SURESH KUMAR S/O RAJESH'],
      ['MOHD HANIF', 'MOHD SHAKEEL S/O MOHD HANIF'], ['RAMESH SHARMA', 'SUNITA SHARMA W/O RAMESH SHARMA']]) {
      const m = refuses(a, b, 'GIVEN_NAME_MISMATCH');
      assert.ok(m.score < 34, `${a} | ${b}: ${JSON.stringify(m)}`);
    }
    // The son's own record, with or without the tail, is the son's.
    accepts('AMIT SHARMA', 'AMIT SHARMA S/O RAM SHARMA');
    // A wife styled by her husband's name: a given name missing, as before.
    refuses('MRS RAMESH SHARMA', 'SUNITA SHARMA W/O RAMESH SHARMA', 'GIVEN_NAME_MISSING');
    // The other's given name an initial, a low-identity word or left out: nothing of its own
    // name agrees, only the family name its tail repeats. Was accepted (92, 97).
    for (const [a, b] of [['RAM SHARMA', 'A SHARMA S/O RAM SHARMA'], ['RAMESH SHARMA', 'SMT DEVI SHARMA W/O RAMESH SHARMA'],
      ['RAM SHARMA', 'KUMARI SHARMA D/O RAM SHARMA'], ['RAM SWARGIARY', 'K SWARGIARY S/O RAM SWARGIARY']]) refuses(a, b);
    // Tamil and Telugu records that write the father's name with the given name: one person.
    accepts('KRISHNAN RAVI', 'RAVI S/O KRISHNAN');
    accepts('VENKAIAH RAJU', 'RAJU S/O VENKAIAH');
  });
  it('an alias: for the whole name or for one word of it, and the marker lost on the other side', () => {
    // One word for another, Maharashtra's way: Sunil or Bapu, son of Dattatray.
    accepts('PAWAR SUNIL ALIAS BAPU DATTATRAY', 'SUNIL DATTATRAY PAWAR');
    accepts('PAWAR SUNIL ALIAS BAPU DATTATRAY', 'BAPU DATTATRAY PAWAR');
    // A nickname before the name, the name before another.
    accepts('NANA ALIAS VISHNU GOPAL JOSHI', 'VISHNU GOPAL JOSHI');
    accepts('GEETA RANI ALIAS SUNITA SHARMA', 'SUNITA SHARMA');
    accepts('ANIL KUMAR SINGH ALIAS RAJA BHAIYA', 'ANIL KUMAR SINGH RAJA BHAIYA');
    // The marker as records write it: Hindi and Urdu urf, @, and their slips.
    for (const marker of ['ALIAS', 'Alias', 'URF', 'urph', '@', 'ALAIS']) {
      accepts(`VISHNU ${marker} NANA GOPAL JOSHI`, 'VISHNU GOPAL JOSHI');
      accepts(`VISHNU ${marker} NANA GOPAL JOSHI`, 'NANA GOPAL JOSHI');
    }
    // A nickname alone names no one.
    refuses('RAMESH KUMAR ALIAS MUNNA', 'MUNNA');
    refuses('MOHAMMED SALIM ALIAS MUNNA BHAI', 'MUNNA BHAI');
    refuses('SUNIL ALIAS BAPU PAWAR', 'BAPU');
    // Each reading is still held to the rules.
    refuses('SUNIL ALIAS BAPU PAWAR', 'ANIL PAWAR');
    refuses('SUNIL ALIAS BAPU PAWAR', 'BAPU SHINDE');
    // The part before the marker, read alone, does not hide the family name after it; where it
    // is the other name word for word (an alias for the whole name), it still counts.
    refuses('SURESH CHANDRA ALIAS MUNNA BARMAN', 'SURESH CHANDRA BALAN');
    accepts('SURESH CHANDRA ALIAS MUNNA BARMAN', 'SURESH CHANDRA BARMAN');
    refuses('SURESH ALIAS BAPU PATIL', 'SURESH ALIAS BAPU SHINDE', 'SURNAME_MISMATCH');
    assert.equal(matchNames('SEEMA SHARMA ALIAS SEEMA VERMA', 'SEEMA SHARMA').score, 100);
    assert.equal(matchNames('SEEMA SHARMA ALIAS SEEMA VERMA', 'SEEMA VERMA').score, 100);
    // A reading that puts words of the two names together holds only where it pairs every word:
    // neither name on the record is Amit Gupta.
    refuses('AMIT SINGH ALIAS ROHIT GUPTA', 'AMIT GUPTA');
    accepts('AMIT SINGH ALIAS ROHIT GUPTA', 'ROHIT GUPTA');
    // A nickname after the name leaves the name whole (MUNNA BHAI names no one).
    accepts('SUNIL SHARMA ALIAS MUNNA BHAI', 'SUNIL KUMAR SHARMA');
    accepts('ANIL KUMAR ALIAS MUNNA BHAI', 'ANIL KUMAR SINGH');
    refuses('RAMESH ALIAS RK SHARMA', 'RAVI KUMAR SHARMA');
    // The marker written in an Indian script: Hindi उर्फ, Bengali ওরফে.
    accepts('सुनील उर्फ बापू पवार', 'BAPU PAWAR');
    accepts('সুনীল ওরফে বাপি দাস', 'BAPI DAS');
    // A relation after an alias still names the father; an alias after a relation is the
    // relative's (SO with its punctuation lost).
    refuses('SUNIL SO RAMESH ALIAS RAJU PAWAR', 'RAJU PAWAR');
    refuses('SUNIL PAWAR SO RAMESH ALIAS RAJU PAWAR', 'RAJU PAWAR');
    refuses('SUNIL ALIAS BAPU PAWAR S/O RAMESH PAWAR', 'SUNIL PAWAR S/O MAHESH PAWAR', 'RELATION_MISMATCH');
    accepts('SUNIL PAWAR S/O RAMESH ALIAS RAJU PAWAR', 'SUNIL PAWAR S/O RAMESH PAWAR');
    // However many markers, the work stays bounded (at most three aliases are read).
    const many = Array.from({ length: 40 }, (_, i) => `RAM${String.fromCharCode(65 + (i % 26))}`).join(' @ ').slice(0, 200);
    const t = process.hrtime.bigint();
    matchNames(many, many.replace(/RAM/g, 'RAJ'));
    assert.ok(Number(process.hrtime.bigint() - t) / 1e6 < 500);
  });
  it("an alias the other name lacks never turns the filings' different pairs into one person", () => {
    // Each pair of affidavits.tsv labelled different, its first name written with a nickname
    // every way records write one: no alias may make a refused pair accepted, unless the
    // nickname is a spelling of a word of the other name (then the alias says they are one).
    const NICKS = ['MUNNA', 'PAPPU', 'BABLU', 'GUDDU', 'RAJU', 'BAPU', 'NANA', 'DADA', 'TINKU', 'CHHOTU'];
    const file = fileURLToPath(new URL('../bench/namematch/affidavits.tsv', import.meta.url));
    let n = 0;
    const turned: string[] = [];
    for (const [k, line] of readFileSync(file, 'utf8').split('\n').slice(1).entries()) {
      const [a, b, label] = line.split('\t');
      if (label !== 'different' || matchNames(a, b).score >= 85) continue;
      const nick = NICKS[k % NICKS.length];
      if (b.split(/\s+/).some((w) => matchNames(nick, w).score >= 60)) continue;
      const ws = a.trim().split(/\s+/);
      const forms = [`${a} ALIAS ${nick}`, `${nick} ALIAS ${a}`, `${a} @ ${nick} ${ws[ws.length - 1]}`];
      if (ws.length >= 2) forms.push(`${ws[0]} ALIAS ${nick} ${ws.slice(1).join(' ')}`, `${ws.slice(0, -1).join(' ')} URF ${nick} ${ws[ws.length - 1]}`);
      for (const x of forms) {
        n++;
        if (matchNames(x, b).score >= 85) turned.push(`${x} | ${b}`);
      }
    }
    assert.ok(n > 2000, `${n} forms`);
    assert.deepEqual(turned, []);
  });
  it("a name written family name first loses its father's name as the same name written given name first does", () => {
    // Maharashtra's order (family, given, father's name) against the short form: the father's
    // name is the word left over, a middle name, not the family name.
    accepts('JADHAV SUNILKUMAR DATTATRAY', 'SUNIL JADHAV', 'MISSING_TOKEN');
    const d = matchNames('SUNILKUMAR DATTATRAY JADHAV', 'SUNIL JADHAV').score - matchNames('JADHAV SUNILKUMAR DATTATRAY', 'SUNIL JADHAV').score;
    assert.ok(d >= 0 && d <= 6, String(d)); // what the other order costs
    refuses('JADHAV SUNIL DATTATRAY', 'ANIL JADHAV');
    refuses('JADHAV SUNIL DATTATRAY', 'DATTATRAY JADHAV');
    // Another father's name is a middle name's conflict in either order, not a family name's.
    const other = refuses('JADHAV SUNIL DATTATRAY', 'SUNIL RAMESH JADHAV', 'TOKEN_MISMATCH');
    assert.equal(other.result, refuses('SUNIL DATTATRAY JADHAV', 'SUNIL RAMESH JADHAV', 'TOKEN_MISMATCH').result);
    refuses('PAWAR SUNIL DATTATRAY', 'SUNIL DATTATRAY JADHAV', 'SURNAME_MISMATCH');
    // Not a name whose first word pairs by an initial or is a low-identity word: written given
    // name first, its last word is the family name.
    refuses('ANIL RAJ KAPOOR', 'RAJ A');
    refuses('SUNIL RAMESH PAWAR', 'RAMESH S');
    refuses('MOHAMMED SALIM KHAN', 'SALIM MOHAMMAD');
    // The family name written first on one record and last on the other is asked as a family
    // name is, not as a given name: a vowel or a Marathi aspirate spelled otherwise is a spelling.
    accepts('PAWER SUNIL DATTATRAY', 'SUNIL DATTATRAY PAWAR', 'TOKEN_ORDER');
    accepts('KAMBHALE SUNIL DATTATRAY', 'SUNIL DATTATRAY KAMBALE', 'TOKEN_ORDER');
    // Not where the given names differ, nor where the first word is a name people are given.
    refuses('PAWAR RAJESH DATTATRAY', 'RAMESH DATTATRAY PAWAR');
    refuses('KOMAL SUNIL DATTATRAY', 'SUNIL DATTATRAY KAMAL');
    // A feminine-looking ending on such a family name is read as on a family name in its place.
    accepts('ACHARI RAMESH SURESH', 'RAMESH SURESH ACHARYA', 'GENDER_VARIANT');
  });
  it("the -en that Bengal and Assam make of a name in -endra is that name, short of a spelling's confidence", () => {
    const m = accepts('SUREN DAS', 'SURENDRA DAS');
    assert.ok(m.score < matchNames('SURENDRA DAS', 'SURINDRA DAS').score, String(m.score));
    accepts('JITEN BORA', 'JITENDRANATH BORA');
    accepts('SHAILEN SEN', 'SAILENDRA NATH SEN');
    // Not another stem, nor the -in of an -indra, which is often a name of its own.
    refuses('NAREN DAS', 'SURENDRA DAS');
    refuses('KAVIN DAS', 'KAVINDRA DAS');
    // A family name is no short form (Soren is a Santhal family name).
    refuses('SHIBU SOREN', 'SHIBU SOURENDRA', 'SURNAME_MISMATCH');
  });
  it('an aspirated n, m, l, r or v is one spelling with its h or without it in long words', () => {
    accepts('RAMESH KANHERE', 'RAMESH KANERE');
    accepts('PRALHAD JOSHI', 'PRALAD JOSHI');
    accepts('NARASIMHAN K', 'NARASIMMAN K');
    // Short names, and the -hita of a name, keep it apart.
    refuses('MALHAR JOSHI', 'MALAR JOSHI');
    refuses('SAMHITA JOSHI', 'SAMITA JOSHI');
    // Malayalam's kunh- is kunj-, not kun-.
    refuses('KUNHAMMED K', 'KUNNAMMED K');
  });
  it('two records naming different fathers are different people', () => {
    refuses('SURESH S/O RAMESH YADAV', 'SURESH S/O MAHESH YADAV', 'RELATION_MISMATCH');
    // A father's title is no part of his name, but a last word is one (Sau, Haji as names).
    assert.equal(matchNames('RAVI KUMAR S/O SHRI RAM PRASAD', 'RAVI KUMAR S/O RAM PRASAD').score, 100);
    refuses('RAVI KUMAR S/O HAJI', 'RAVI KUMAR S/O GOPAL', 'RELATION_MISMATCH');
  });
  it('joined and split tokens (spacing only) are a direct match', () => {
    const m = matchNames('RAMKUMAR YADAV', 'Ram Kumar Yadav');
    assert.equal(m.score, 100);
    assert.ok(codes(m).includes('JOINED_TOKENS'));
  });
  it('a KUMAR written into the given name is weak, with its long vowel written double too', () => {
    accepts('NAVEENKUMAAR YADAV', 'NAVEEN KUMAR YADAV');
    accepts('NAVEENKUMAAR YADAV', 'NAVEENKUMAR YADAV');
  });
  it('joined tokens with another difference are still accepted', () => {
    accepts('MR HARIPRASAD CHAURASIA', 'HARI PRASAD RAM CHAURASIA', 'JOINED_TOKENS');
  });
  it('a name written apart whose one piece is spelled otherwise is read as the joined token would be', () => {
    // Each piece as the rules of one token read it: Radhey / Radhe, the Bengali o, Deb / Deo / Dev.
    accepts('RADHEY SHYAM BISWAS', 'RADHESHYAM BISWAS', 'JOINED_TOKENS');
    accepts('MAN MOHAN ROY', 'MONMOHAN ROY', 'JOINED_TOKENS');
    accepts('JOY DEB ROY', 'JAYDEB ROY', 'JOINED_TOKENS');
    accepts('RAM DEO SINGH YADAV', 'RAMDEV SINGH YADAV', 'JOINED_TOKENS');
    // As the joined token scores, neither better nor worse.
    for (const [apart, joined, together] of [
      ['MAN MOHAN ROY', 'MONMOHAN ROY', 'MANMOHAN ROY'],
      ['KAMAL NATH DAS', 'KOMALNATH DAS', 'KAMALNATH DAS'],
    ]) assert.equal(matchNames(apart, joined).score, matchNames(together, joined).score, `${apart} / ${joined}`);
    // A piece that is another name, or of another gender, keeps the pair apart.
    refuses('RAJ KUMAR SINGH', 'RAJKUMARI SINGH');
    refuses('DEV RAJ SHARMA', 'DEVIRAJ SHARMA');
    refuses('HARI OM GUPTA', 'HARIRAM GUPTA');
    refuses('SUNIL DUTT', 'SUNILA DUTT');
  });
  it('a name written apart against the joined name with a slip is judged as the joined name would be', () => {
    for (const [apart, slipped, together] of [
      ['HARI NARAYAN SINGH', 'HARINARYAN SINGH', 'HARINARAYAN SINGH'],
      ['SHIV SWAROOP GUPTA', 'SHIVSAWROOP GUPTA', 'SHIVSWAROOP GUPTA'],
    ]) {
      accepts(apart, slipped, 'JOINED_TOKENS');
      // The join costs its point or two, no more.
      const d = matchNames(together, slipped).score - matchNames(apart, slipped).score;
      assert.ok(d >= 0 && d <= 4, `${apart} / ${slipped}: ${d}`);
    }
    // A slip that makes another name stays apart, joined or not.
    refuses('SHIV RAM PATIL', 'SHIVRAJ PATIL');
    refuses('SHIVRAM PATIL', 'SHIVRAJ PATIL');
    // Two names that meet where the other's word differs are two names, not a slip.
    refuses('MANOJ RANJAN SHARMA', 'MANORANJAN SHARMA');
    refuses('RAMAN CHANDRAN SHARMA', 'RAMACHANDRAN SHARMA');
    refuses('MANIK NANDAN SHARMA', 'MANIKANDAN SHARMA');
    refuses('DEBI NATH SHARMA', 'DEBNATH SHARMA');
    refuses('MANO RAJAN SHARMA', 'MANORANJAN SHARMA');
  });
  it('empty names score 0 with EMPTY', () => {
    for (const [a, b] of [['', 'AMIT'], ['  ', ''], ['Mr.', 'AMIT SHARMA'], ['S/O RAMESH', 'RAMESH'], ['123', 'RAMESH']]) {
      assert.deepEqual(matchNames(a, b), { score: 0, result: 'NO_MATCH', reason: 'EMPTY' });
    }
  });
});

describe('positives: same person', () => {
  it('initials against full names, in either position', () => {
    accepts('R K SHARMA', 'RAVI KUMAR SHARMA', 'INITIALS');
    accepts('Sharma R K', 'Ravi Kumar Sharma', 'INITIALS');
    accepts('RAVI K SHARMA', 'RAVI KUMAR SHARMA', 'INITIALS');
    accepts('RAMESH K', 'RAMESH KRISHNAN', 'INITIALS');
    accepts('K RAMESH', 'RAMESH KRISHNAN', 'INITIALS');
    accepts('A. P. J. ABDUL KALAM', 'AVUL PAKIR JAINULABDEEN ABDUL KALAM', 'INITIALS');
  });
  it('two agreeing initials for the given and middle name are accepted, but only just', () => {
    const m = accepts('R K SHARMA', 'RAVI KUMAR SHARMA');
    assert.ok(m.score <= 90, String(m.score));
  });
  it('token order', () => {
    const m = accepts('SHARMA RAVI KUMAR', 'RAVI KUMAR SHARMA', 'TOKEN_ORDER');
    assert.ok(m.score < 100);
  });
  it('transliteration variants', () => {
    for (const [a, b] of [
      ['MOHD SHAHID KHAN', 'MOHAMMED SHAHID KHAN'],
      ['MD SHAHID KHAN', 'MUHAMMAD SHAHID KHAN'],
      ['MOHAMMAD SHAHID KHAN', 'MUHAMMAD SHAHID KHAN'],
      ['LAXMI NARAYAN', 'LAKSHMI NARAYAN'],
      ['ANIL CHOWDHURY', 'ANIL CHOUDHURY'],
      ['ANIL CHOUDHURY', 'ANIL CHAUDHARY'],
      ['NAVEEN KUMAR', 'NAVIN KUMAR'], // ee / i
      ['POOJA SHARMA', 'PUJA SHARMA'], // oo / u
      ['VAIBHAW DESHMUKH', 'VAIBHAV DESHMUKH'], // w / v
      ['PHOOLAN DEVI', 'FULAN DEVI'], // ph / f
      ['SUBHASH BOSE', 'SUBHAS BOSE'], // sh / s
      ['JYOTHI REDDY', 'JYOTI REDDY'], // th / t
      ['SIDDHARTH ROY', 'SIDHARTH ROY'], // doubled letters
      ['KUNAAL KAPOOR', 'KUNAL KAPOOR'], // aa / a
      ['LAKSHMAN RAO', 'LAXMAN RAO'], // ksh / x
      ['SURENDRA SINGH', 'SURINDER SINGH'],
      ['SOURAV GANGULY', 'SAURAV GANGULY'],
      ['VIKAS DAS', 'BIKASH DAS'],
      ['KAMLA DEVI', 'KAMALA DEVI'],
      ['SURESH GOPAL', 'SURESH GOPALAN'], // the Tamil -an, after the given name
      ['RATAN BANIK', 'RATON BANIK'], // the Bengali o for a
      ['GOBINDA MAJHI', 'GOBINDO MAJHI'],
      ['SURESH ROY', 'SURESH RAY'],
      ['R GIRITHARAN', 'R GIRIDHARAN'], // Tamil: one letter for t / d
      ['M APPADURAI', 'M APPATHURAI'],
      ['SURESH DHANAPAL', 'SURESH THANAPAL'], // and in the surname's first letter
      ['VENKATACHALAM A', 'VENKATAJALAM A'], // ch and j, one Tamil letter too
      ['RAMASWAMY K', 'RAMASAMY K'], // -swamy written as said
      ['M PALANISWAMI', 'M PALANISAMI'],
      ['SWAMINATHAN K', 'SAMINATHAN K'], // and at the start of a long name
      ['MUKESH PANDEY', 'MUKESH PANDE'],
      ['S PITCHAI', 'S PICHAI'], // tch / ch
      ['JEYANTHI S', 'JAYANTHI S'], // the Tamil je- for jaya-
      ['C JEYARAMAN', 'C JAYARAMAN'],
      ['THANGKAM DESAI', 'THANGAM DESAI'], // Tamil: ng before the k it voices
      ['IRAAJENDRAN DESAI', 'RAJENDRAN DESAI'], // Tamil: the i written before an initial r
      ['UJJWAL BISWAS', 'UJJAL BISWAS'],
      ['EASWARAN S', 'ESWARAN S'],
      ['MRITYUNJOY MURMU', 'MRITUNJOY MURMU'], // a y glide in a long name
      ['BHOLA TIRKEY', 'BHOLA TIRKI'], // -ey for a final long vowel
      ['DEVADATT JOSHI', 'DEVDATTA JOSHI'], // the inherent a dropped in two places
      ['PARAMARTHA YADAV', 'PARMARTH YADAV'],
      ['BALARAMA REDDY', 'BALRAM REDDY'], // in six letters too
      ['ANINDITA BASU', 'ANINDITA BOSE'],
      ['UPEN RAJBANSHI', 'UPEN RAJBONGSHI'],
      ['KHAGEN NAYAK', 'KHAGEN NAYEK'],
      ['KARUPPAIAH A', 'KARUPPAIYA A'], // -aiah / -aiya
      ['AYYAPPAN P', 'AYAPPAN P'], // yy / y
      ['GOLAM MOSTAFA', 'GHULAM MOSTAFA'], // Arabic names as Bengali filings spell them
      ['ANOWAR HOSSAIN', 'ANWAR HOSSAIN'],
      ['MD MUJIBAR SHEIKH', 'MD MUJIBUR SHEIKH'],
      ['RAGHAVAN PILLA', 'RAGHAVAN PILLAI'], // Malayalam Pilla, Tamil Pillai
      ['BIPUL KOWAR', 'BIPUL KONWAR'], // Assamese, with or without the nasal
      ['FEROZ AHMED', 'FIROS AHMED'],
      ['LOGESH KUMAR R', 'LOKESH KUMAR R'], // Tamil: one letter for k / g
      ['SAMBATH RAJ', 'SAMPATH RAJ'],
      ['RAJINEE NAIR', 'RAJANI NAIR'], // a listed spelling keeps its ordinary variants
    ]) accepts(a, b, 'TRANSLITERATION');
    refuses('ANWAR ALI', 'ANSAR ALI'); // the groups are closed: a near name stays apart
    // z / s is not folded: Sameer / Zameer, Nasir / Nazir, Asad / Azad are other names.
    refuses('SAMEER KHAN', 'ZAMEER KHAN');
    refuses('NASIR AHMED', 'NAZIR AHMED');
    // The same folds leave other names apart.
    refuses('LAKSHANYA PANDEY', 'LAKSHANA PANDEY'); // -ya in the last syllable is another name
    refuses('NITYA RAO', 'NITA RAO'); // a short name keeps its glide
  });
  it('spellings native speakers type for one name (Dakshina lexicons)', () => {
    for (const [a, b] of [
      ['MAHESH PATEL', 'MAHEESH PATEL'], // ee for the long e after the first syllable
      ['NARESH YADAV', 'NAREESH YADAV'],
      ['PAMELA JOSHI', 'PAMEELA JOSHI'],
      ['JYOTI DAS', 'JOTI DAS'], // the y glide before o
      ['JYOTIKA SINGH', 'JOTIKA SINGH'],
      ['SUKUMAR SEN', 'SOOKUMAR SEN'], // -KUMAR is not a suffix of a two-letter stem
      ['HIMANGSHU MANDAL', 'HIMANSHU MANDAL'], // the Bengali ng for the anusvara before s
      ['SUDHANGSU DUTTA', 'SUDHANSHU DUTTA'],
      ['SHHRADDHA KHAN', 'SHRADDHA KHAN'], // shh typed for the retroflex sh
      ['KRISHHNA RAO', 'KRISHNA RAO'],
      ['PREM GOGOI', 'PREMO GOGOI'], // the Bengali and Assamese final o
      ['HARSH NAIR', 'HARSHO NAIR'],
    ]) accepts(a, b, 'TRANSLITERATION');
    refuses('SANGITA RAO', 'SANITA RAO'); // ng before a vowel is a consonant of its own
    refuses('PREM GOGOI', 'PREMA GOGOI'); // the final a is feminine, the final o is not
    refuses('SUNIL VERMA', 'SUNILA VERMA');
    // A glide before a makes another name.
    refuses('GYANESH RAO', 'GANESH RAO');
    refuses('DHYAN SINGH', 'DHAN SINGH');
    refuses('KAMAL DAS', 'KOMAL DAS');
    refuses('SAMEER KHAN', 'ZAMEER KHAN');
    // RAMKUMAR is still RAM KUMAR written together.
    accepts('RAMKUMAR SHARMA', 'RAM KUMAR SHARMA');
  });
  it('the inherent a written inside a word together with another spelling of it', () => {
    accepts('DHARAMAVEER YADAV', 'DHARMVIR YADAV'); // and ee for i
    accepts('SULOOCHANA DAS', 'SULOCHNA DAS'); // and oo for o
    accepts('SHIVARAM PATIL', 'SHIORAM PATIL'); // and the Marathi o for v
    accepts('NIVARUTTI PATIL', 'NIVRITI PATIL');
    // Not in the first syllable, nor beside a y, nor after a nasal or an h of its own, nor in
    // words under seven letters, nor where the keys would fold the letters it brings together
    // into one, nor with a regional spelling beside it (an e for the a), nor in a joined -kumar,
    // which the keys leave out: two names each.
    refuses('SHARADHA DAS', 'SRADDHA DAS');
    refuses('MAHAADEVI RAO', 'MAHADEVAYYA RAO');
    refuses('AASHEET KHAN', 'ASHIYATH KHAN');
    refuses('RAMADEEP SINGH', 'RANDEEP SINGH');
    refuses('MAHAMATI DAS', 'MAHANTI DAS');
    refuses('SHAHAZAD KHAN', 'SHAJJAD KHAN');
    refuses('RISHADA KHAN', 'RUSHDA KHAN');
    refuses('PRABHAVATI DAS', 'PRABHATI DAS');
    refuses('RAJESHARI DAS', 'RAJASHRI DAS');
    refuses('PRAKASHA RAO', 'PREKSHA RAO');
    refuses('SANTHAKUMAR R', 'SANNATH R');
  });
  it('a long given name with its vowels spelled otherwise is one name; a short one is not', () => {
    accepts('DHARUMALINGAM K', 'DHARAMLINGAM K'); // neither spelling is in the lexicon
    accepts('NILAKANTA BARMAN', 'NILKANATA BARMAN');
    refuses('KARUNA RAO', 'KARUNYA RAO');
    refuses('RITHIKA DAS', 'RATHIKA DAS');
    // One vowel for another deep inside is the same rule, not a typing slip; nor is the first
    // letter, when both are vowels (Tamil writes either).
    accepts('JAGADEESAN K', 'JAGADIESAN K');
    accepts('KALAISELVAN M', 'KALAISILVAN M');
    accepts('ELAMPARITHI R', 'ILAMPARITHI R');
    refuses('ASHA RAO', 'ESHA RAO');
    refuses('AMAR RAO', 'UMAR RAO');
    refuses('ASHAKIRAN RAO', 'USHAKIRAN RAO');
    refuses('AMARJEET SINGH', 'OMARJEET SINGH');
    // The final vowel makes the feminine, however long the name, and a vowel put after the end
    // is no typing slip.
    refuses('SUSHANTA RAO', 'SUSHANTI RAO');
    refuses('SHYAMALA DAS', 'SHYAMALI DAS');
    refuses('KIRANMAY DAS', 'KIRANMAYI DAS');
    refuses('RAJKUMAR SINGH', 'RAJKUMARI SINGH');
    // The vowel of the first syllable, and the last letter, tell long names apart too.
    refuses('ANANDITA ROY', 'ANINDITA ROY');
    refuses('BARINDRA ROY', 'BIRENDRA ROY');
    refuses('PARANJAY RAO', 'PURANJAY RAO');
    refuses('MADHUMATI DAS', 'MADHUMITA DAS');
    // A near one, u for o or i for e, is a spelling in long names as in short ones.
    accepts('MOSHARRAF HOSSAIN', 'MUSHARRAF HOSSAIN');
    accepts('MOKHLESUR RAHMAN', 'MUKHLESUR RAHMAN');
    accepts('MOSTAFIZUR RAHMAN', 'MUSTAFIZUR RAHMAN');
  });
  it('a shorter given name with a vowel spelled otherwise, unless the names corpus knows two names', () => {
    // Every vowel in its place, the first one the same or a near one (i / e, u / o).
    accepts('RAHAMAN SK', 'RAHIMAN SK');
    accepts('MRINAL SINGH', 'MRENAL SINGH');
    accepts('RUKMINI DESAI', 'RUKMANI DESAI');
    accepts('LIMA TIWARI', 'LEMA TIWARI');
    accepts('MOBARAK HOSSAIN', 'MUBARAK HOSSAIN'); // the Bengali o for u
    accepts('BINOY DAS', 'BENOY DAS');
    accepts('REENA PATEL', 'RENA PATEL');
    // In five letters, a later vowel e for i or o for u, as Bengali spells them.
    accepts('HASHEM ALI', 'HASHIM ALI');
    accepts('TALEB MIAH', 'TALIB MIAH');
    accepts('MONOJ DAS', 'MONUJ DAS');
    refuses('KARAM ALI', 'KARIM ALI');
    refuses('SALAM SK', 'SALIM SK');
    // Under seven letters the later vowels must be near ones too, and in four letters a near
    // first vowel needs one of them written long (Reena / Rena above).
    refuses('FARHAN AHMED', 'FARHIN AHMED');
    refuses('SAMIRA KHAN', 'SAMARA KHAN');
    refuses('NEHA SHARMA', 'NIHA SHARMA');
    // Not a and i, a and u, or the long a (Jana / Jina, Isha / Usha, Raahi / Ruhi).
    refuses('JANA RAO', 'JINA RAO');
    refuses('NAHA GHOSH', 'NUHA GHOSH');
    refuses('RAAHI REDDY', 'RUHI REDDY');
    // Not a vowel that comes or goes (a joint: Devdas / Devidas), nor the last letter (a
    // feminine), nor a glide (Karuna / Karunya).
    refuses('DEVDAS RAO', 'DEVIDAS RAO');
    refuses('SANJANA KAPOOR', 'SANJANI KAPOOR');
    refuses('HEMANA RAO', 'HEMANYA RAO');
    // Two names to the corpus, by their Hindi spellings (हेमा / हिमा, अभिजात / अभिजित).
    refuses('HEMA DAS', 'HIMA DAS');
    refuses('ABHIJAT DAS', 'ABHIJIT DAS');
    refuses('AKSHAT RAO', 'AKSHIT RAO');
  });
  it('ea spelled for the long vowel, and the final a after a doubled consonant, are one name', () => {
    accepts('DEAPAK RAO', 'DEEPAK RAO');
    accepts('NEALAM SINGH', 'NEELAM SINGH');
    accepts('ANIRUDDH JOSHI', 'ANIRUDDHA JOSHI');
    accepts('PRABUDDH YADAV', 'PRABUDDHA YADAV');
    // After a single consonant the final a is feminine.
    refuses('HEM DAS', 'HEMA DAS');
    refuses('VIMAL DAS', 'VIMALA DAS');
  });
  it('dropped middle names and father names', () => {
    accepts('RAVI SHARMA', 'RAVI KUMAR SHARMA', 'MISSING_TOKEN');
    accepts('ADITYA JOSHI', 'ADITYA VINAYAK JOSHI', 'MISSING_TOKEN');
    accepts('CYRUS MISTRY', 'CYRUS PALLONJI MISTRY', 'MISSING_TOKEN');
  });
  it('truncated bank names', () => {
    accepts('VENKATA SUBRAMANIAN RAMAKRISHN', 'VENKATA SUBRAMANIAN RAMAKRISHNAN', 'TRUNCATED');
    accepts('KRISHNAMACHARI SRIKKANTH', 'KRISHNAMACHARI SRIKKANTH IYENGAR', 'TRUNCATED');
  });
  it('a short name that merely lacks the end is not taken for a truncation', () => {
    const m = matchNames('AMIT SHAR', 'AMIT SHARMA');
    assert.ok(!codes(m).includes('TRUNCATED'), m.reason);
  });
  it('OCR-like single-character noise in longer tokens', () => {
    for (const [a, b] of [
      ['SURE5H PATEL', 'SURESH PATEL'],
      ['VENKATESWAR1U NAIDU', 'VENKATESWARLU NAIDU'],
      ['PRIYADARSHlNI MOHANTY', 'PRIYADARSHINI MOHANTY'],
      ['PARAMESVVARAN IYER', 'PARAMESWARAN IYER'],
      ['AMAB GOSWAMI', 'ARNAB GOSWAMI'],
    ]) accepts(a, b, 'TYPO');
  });
});

describe('hard negatives: look-alikes that are other people', () => {
  it('a Christian man\'s and woman\'s name of one family: husband and wife, brother and sister', () => {
    for (const [a, b] of [['MARIO PEREIRA', 'MARIA PEREIRA'], ['ANTONIO DSOUZA', 'ANTONIA DSOUZA'],
      ['FRANCIS DCRUZ', 'FRANCES DCRUZ'], ['LOUIS DSOUZA', 'LOUISE DSOUZA'], ['JOHN THOMAS', 'JOAN THOMAS'],
      ['SIMON DSILVA', 'SIMONE DSILVA'], ['ALBERT PINTO', 'ALBERTA PINTO'], ['DANIEL RODRIGUES', 'DANIELLE RODRIGUES'],
      ['FRANSIS DCRUZ', 'FRANCES DCRUZ'], ['ANWAR KHAN', 'ANWARA KHAN']]) refuses(a, b, 'GENDER_VARIANT');
    // Nor as a father's or family name, last: no inherent vowel there (two women, their fathers
    // Joseph and Clement, whom the other's record makes Josephine and Clementina).
    for (const [a, b] of [['MARY JOSEPH', 'MARY JOSEPHINE'], ['ANNA CLEMENT', 'ANNA CLEMENTINA'],
      ['MARIA JOSEPH FERNANDES', 'MARIA JOSEPHINE FERNANDES']]) refuses(a, b, 'GENDER_VARIANT');
    // Their spellings are still one name.
    for (const [a, b] of [['FRANCIS DCRUZ', 'FRANSIS DCRUZ'], ['ANTONY JOSE', 'ANTONI JOSE'], ['JOSEPH PINTO', 'JOSEF PINTO']]) accepts(a, b);
    // Kerala's Augusthy, its au written a as said; the listed line keeps Agusthy meeting Agasthy,
    // by the vowel rules, and Agasthy Agasthya.
    accepts('ILLIKKAL AUGUSTHY', 'ILLIKKAL AGUSTHY');
    accepts('THOMAS AGUSTHY', 'THOMAS AGASTHY');
    accepts('AGASTHY K', 'AGASTHYA K');
    // Nor with the family name written first on one record (no inherent vowel there either).
    refuses('JOSEPH ANITA MARY', 'ANITA MARY JOSEPHINE');
    // A word read from an Indian script, which writes the two alike, is no such pair.
    assert.ok(!codes(matchNames('फ्रांसिस डिक्रूज़', 'FRANCES DCRUZ')).includes('GENDER_VARIANT'));
  });
  it('siblings sharing father name and surname', () => {
    const m = refuses('RAHUL KUMAR SHARMA', 'ROHIT KUMAR SHARMA', 'GIVEN_NAME_MISMATCH');
    assert.equal(m.result, 'NO_MATCH');
    refuses('PRIYA RAMESH PATIL', 'PRITI RAMESH PATIL', 'GIVEN_NAME_MISMATCH');
    refuses('GURPREET SINGH SANDHU', 'HARPREET SINGH SANDHU', 'GIVEN_NAME_MISMATCH');
  });
  it('brother and sister: a feminine -a after i or u and one consonant', () => {
    for (const [a, b] of [
      ['MANISH GUPTA', 'MANISHA GUPTA'],
      ['RITIK SAXENA', 'RITIKA SAXENA'],
      ['TANUJ MEHRA', 'TANUJA MEHRA'],
      ['TAHIR QURESHI', 'TAHIRA QURESHI'],
      ['NIMISH JOSHI', 'NIMISHA JOSHI'],
    ]) refuses(a, b, 'GENDER_VARIANT');
    // Not after v, where the -a is the masculine's, nor the Kannada masculines listed as one name.
    accepts('SHIV PRASAD', 'SHIVA PRASAD');
    accepts('SANJEEV K', 'SANJEEVA K');
    accepts('GIRISHA M', 'GIRISH M');
    accepts('SATHISHA B R', 'SATISH B R');
    // Men's names whose -a no woman bears (the Bengali Monmoth listed with them).
    for (const [a, b] of [['ARJUN K', 'ARJUNA K'], ['NAKUL K', 'NAKULA K'], ['MAHABIR PRASAD', 'MAHAVEERA PRASAD'],
      ['ACHYUT SAMANTA', 'ACHYUTA SAMANTA'], ['MONMOTH DEB', 'MANMATHA DEB'], ['WAMAN PATIL', 'VAMANA PATIL'],
      ['DILIP K', 'DILEEPA K'], ['RAHUL K', 'RAHULA K']]) accepts(a, b);
    refuses('ARJUN DAS', 'ARJUNI DAS');
    // Not Gautama (Gautamabai: the keys take -bai off), nor Bharata, whose key is Varatha's.
    refuses('GAUTAMABAI HOLKAR', 'GAUTAM HOLKAR');
    refuses('VARATHA K', 'BHARAT K');
    // Not Bhima (Bhimabai, a woman's name in Maharashtra), nor Sushruta, whose key is Sushrita's.
    refuses('BHIMABAI SAKPAL', 'BHIM SAKPAL');
    refuses('SUSHRITA SEN', 'SUSHRUT SEN');
    // The Bengali o is not read through the lists: Noshir, a Parsi name, is no Nasser.
    refuses('NOSHIR IRANI', 'NASSER IRANI');
  });
  it('the m of Ram before a j is no anusvara: Ramjit is not Ranjit', () => {
    refuses('RAMJIT SINGH', 'RANJIT SINGH', 'GIVEN_NAME_MISMATCH');
    refuses('RAMJAN SHEIKH', 'RANJAN SHEIKH', 'GIVEN_NAME_MISMATCH');
    // Other m's before j, and before other consonants, are the anusvara typed m.
    for (const [a, b] of [['SAMJAY KUMAR', 'SANJAY KUMAR'], ['AMJALI DEVI', 'ANJALI DEVI'], ['AMSHU GUPTA', 'ANSHU GUPTA']]) accepts(a, b);
  });
  it('a feminine -a on a name spelled otherwise too', () => {
    refuses('RANAJIT DAS', 'RANJITA DAS', 'GENDER_VARIANT');
    refuses('NAVANEET KAUR', 'NAVNEETA KAUR', 'GENDER_VARIANT');
    refuses('PANKOJ SAIKIA', 'PANKAJA SAIKIA');
    refuses('ATMAJ RAO', 'AATMAJA RAO');
    // The masculine -a stays one name however the rest is spelled: after v (the b of Dhruba), a
    // doubled consonant, the king's -raj with its a long, a long vowel written double.
    for (const [a, b] of [['KRISHAN KUMAR', 'KRISHNA KUMAR'], ['DHRUV DAS', 'DHRUBA DAS'], ['SUBROTO DAS', 'SUBRATA DAS'],
      ['KARUPPAIAH A', 'KARUPPAIYA A'], ['PROSANT DAS', 'PRASANTA DAS'], ['ANIRUDH GUPTA', 'ANIRUDDHA GUPTA'],
      ['PRAFUL DAS', 'PRAFULLA DAS'], ['ILAIYARAAJA S', 'ILAIYARAJ S'], ['RAAJA K', 'RAJ K'], ['GANEESHA K', 'GANESH K'],
      ['ASOOKA K', 'ASHOK K']]) accepts(a, b);
    // Nor the Tamil -an on the -a word, read as before (as a family name here).
    accepts('RAMESH R NARAYANA', 'RAMESH NARAYANAN');
    // The -mma of a woman's name is no doubled consonant's a.
    refuses('SADAM K', 'SADAMMA K');
  });
  it('the anusvara typed as m before d and r: Suremdra, Chamdrakant', () => {
    accepts('SUREMDRA SINGH', 'SURENDRA SINGH');
    accepts('RAJEMDRA PRASAD', 'RAJENDRA PRASAD');
    accepts('CHAMDRAKANT PATIL', 'CHANDRAKANT PATIL');
    accepts('SIKAMDAR KHAN', 'SIKANDER KHAN');
  });
  it('a short name and the same letters after an i: Irani is not Rani', () => {
    refuses('IRANI SHAH', 'RANI SHAH');
  });
  it('spouses sharing a surname', () => {
    const m = refuses('Anita Verma', 'Sunil Verma', 'GIVEN_NAME_MISMATCH');
    assert.equal(m.result, 'NO_MATCH');
    refuses('SUNITA W/O RAJESH SHARMA', 'RAJESH SHARMA');
    refuses('PRIYA RAHUL MEHTA', 'RAHUL MEHTA', 'GIVEN_NAME_MISSING');
  });
  it('a father and a son whose middle name is the father', () => {
    refuses('RAMESH PATIL', 'SURESH RAMESH PATIL', 'GIVEN_NAME_MISSING');
  });
  it('masculine / feminine variants', () => {
    for (const [a, b] of [
      ['SUNIL VERMA', 'SUNILA VERMA'],
      ['NANDAN DAS', 'NANDINI DAS'],
      ['RAMESH PATIL', 'RAMESHWARI PATIL'],
      ['PRAKASH JHA', 'PRAKASHI JHA'],
      ['R KUMAR', 'R KUMARI'],
      ['DEEPAK MEHTA', 'DEEPIKA MEHTA'],
      ['AMIT SINGH', 'AMITA SINGH'],
    ]) {
      const m = refuses(a, b, 'GENDER_VARIANT');
      assert.ok(m.score < DEFAULT_BANDS.moderate, `${a} | ${b}: ${m.score}`);
    }
  });
  it('a feminine-looking ending on a token after the agreeing given name is a spelling, flagged', () => {
    // Family and father's names are masculine: their final -a or -i is the inherent vowel
    // written or not, as the filings and the corpus show, not a wife's or a sister's name.
    for (const [a, b] of [
      ['ARAVINDAN RAMA', 'ARAVINDAN RAAM'],
      ['RAVI THAKUR', 'RAVI THAKURA'],
      ['PRIYA SUNIL PATIL', 'PRIYA SUNILA PATIL'],
    ]) {
      const m = accepts(a, b, 'GENDER_VARIANT');
      assert.ok(m.score < 90, `${a} | ${b}: ${m.score}`);
    }
    // KUMAR / KUMARI says who the person is, and the given name then does too.
    refuses('KIRAN KUMAR', 'KIRAN KUMARI', 'GENDER_VARIANT');
    // Nor the feminine -ani, -ari, -ini, a woman's name there too (Shivashankari); another -i may
    // be a man's name's own (Valmik / Valmiki).
    refuses('SHIV SHANKAR', 'SHIV SHANKARI');
    refuses('DEV NARAYAN PANDEY', 'DEVA NARAYANI PANDEY');
    accepts('VARDA VALMIK JOSHI', 'WARDA VALMIKI JOSHI', 'GENDER_VARIANT');
    // The -i of a Hindi feminine for the masculine's final vowel is no vowel spelled otherwise.
    // Whichever name sorts first (the Bengali -o sorts after the -i).
    for (const [a, b] of [['RAM KISHORE', 'RAM KISHORI'], ['SHIV SHANKARA', 'SHIV SHANKARI'], ['RAM DULARE SINGH', 'RAM DULARI SINGH'],
      ['RAM SHANKARO', 'RAM SHANKARI']]) refuses(a, b);
    // A Marathi record written family name first, the father's name last: the second word is the
    // given name (sister and brother), where the first word is a listed family name or no name the
    // lexicon knows and the last a given name.
    refuses('GHORPADE ANKITA SURESH', 'GHORPADE ANKIT SURESH', 'GIVEN_NAME_MISMATCH');
  });
  it('a different given name one letter apart', () => {
    for (const [a, b] of [
      ['RAJESH GUPTA', 'RAMESH GUPTA'],
      ['MAHESH JAIN', 'MUKESH JAIN'],
      ['SITA DEVI', 'GITA DEVI'],
      ['SUNITA RAO', 'SUMITA RAO'],
      ['NARENDRA MODI', 'NAGENDRA MODI'],
      ['KAMAL NATH', 'KOMAL NATH'],
      ['HARVINDER SINGH', 'HARMINDER SINGH'],
    ]) {
      const m = refuses(a, b, 'GIVEN_NAME_MISMATCH');
      assert.ok(m.score < DEFAULT_BANDS.moderate, `${a} | ${b}: ${m.score}`);
    }
  });
  it('the -esh of a name is not its -as or -ash, which the e for a of Bengali spellings would join', () => {
    for (const [a, b] of [['VIKAS SHARMA', 'VIKESH SHARMA'], ['RAJAS JOSHI', 'RAJESH JOSHI'], ['SUBHASH BOSE', 'SUBESH BOSE'], ['VISHWAS RAO', 'VISHWESH RAO']]) {
      refuses(a, b, 'GIVEN_NAME_MISMATCH');
    }
    accepts('ROMESH DAS', 'RAMESH DAS');
    accepts('AHMED ALI', 'AHMAD ALI');
  });
  it('a given name with a vowel swapped at its end is another name, a family name so swapped the same', () => {
    for (const [a, b] of [['RATAN SHARMA', 'RATNA SHARMA'], ['SHARAD JOSHI', 'SHARDA JOSHI'], ['CHETAN RAO', 'CHETNA RAO'],
      ['MANUJ DAS', 'MANJU DAS'], ['KANAI DAS', 'KANIA DAS']]) refuses(a, b, 'GIVEN_NAME_MISMATCH');
    accepts('RAMESH CHANDRA RATAN', 'RAMESH CHANDRA RATNA');
    // Letters swapped inside a word are still a slip.
    accepts('SUNIL KUAMR YADAV', 'SUNIL KUMAR YADAV');
    accepts('SHAHNAWAZ HUSSIAN', 'SHAHNAWAZ HUSSAIN');
  });
  it('an initial that only a weak token confirms is MODERATE at most', () => {
    // A KUMAR could be any Kumar: KUMAR is a middle name more often than a family name.
    for (const [a, b] of [['A Kumar', 'Ajay Kumar'], ['KUMAR A', 'AJAY KUMAR'], ['S DEVI', 'SUNITA DEVI']]) {
      const m = refuses(a, b, 'AMBIGUOUS_INITIAL');
      assert.equal(m.result, 'MODERATE_PARTIAL_MATCH', `${a} | ${b}`);
    }
  });
  it('initials alone never match', () => {
    const m = refuses('A K', 'ANIL KUMAR', 'INITIALS');
    assert.ok(m.score < DEFAULT_BANDS.moderate);
  });
  it('a single token against a full name is not GOOD', () => {
    refuses('Sharma', 'Amit Sharma', 'SINGLE_TOKEN');
    // The given name alone says more than the family name alone.
    assert.equal(matchNames('Sharma', 'Amit Sharma').result, 'POOR_PARTIAL_MATCH');
    assert.equal(matchNames('Amit', 'Amit Sharma').result, 'MODERATE_PARTIAL_MATCH');
  });
  it('a missing given name is not accepted', () => {
    refuses('KUMAR SHARMA', 'AMIT KUMAR SHARMA', 'GIVEN_NAME_MISSING');
  });
  it('a low-identity word where the other record has its given name is another given name, not a missing one', () => {
    // Devi Singh and Sahib Singh are men's names: no MODERATE for a brother's record, whatever
    // the order, a Muslim prefix or another low-identity word beside, or an initial both write
    // before the given name.
    for (const [a, b] of [['DEVI SINGH VERMA', 'KULDEEP SINGH VERMA'], ['KULDEEP SINGH VERMA', 'SAHIB SINGH VERMA'],
      ['VERMA DEVI SINGH', 'KULDEEP SINGH VERMA'], ['P KUMAR SWAMY', 'P PRAKASH SWAMY'],
      ['DEVEE SINGH VERMA', 'KULDEEP SINGH VERMA'], ['MD SAHIB ALI KHAN', 'RAFIQ ALI KHAN'],
      ['MD RAFIQ ALAM KHAN', 'SAHEB ALAM KHAN'], ['BHAI KULDEEP SINGH VERMA', 'DEVI SINGH VERMA'], ['DEVI SINGH', 'KULDEEP SINGH'],
      ['KUMAR SWAMY', 'RANGA SWAMY'], ['SAHIB KHAN', 'IMRAN KHAN'], ['BHAI PATEL', 'RAMESH PATEL'], ['SAHIB KUMAR', 'AMIT KUMAR'],
      // Not one word by the keys' reading (Vibhi as Bibi, Divya as Devi), nor a joined Devi or Bhai.
      ['VIBHI SINGH RATHORE', 'DIVYA SINGH RATHORE'], ['DEVI SINGH RATHORE', 'DIVYA SINGH RATHORE'], ['SAHIB KHAN', 'SHOAIB KHAN'],
      ['DEVI SINGH GILL', 'DEVINDER SINGH GILL'], ['BHAI SINGH RATHORE', 'VAIBHAV SINGH RATHORE']]) {
      const m = refuses(a, b, 'GIVEN_NAME_MISMATCH');
      assert.equal(m.result, 'NO_MATCH', `${a} | ${b}: ${m.score}`);
    }
    // One letter apart by the keys: a near miss, as Rajesh / Ramesh.
    const near = refuses('BHAI SINGH RATHORE', 'ABHAY SINGH RATHORE', 'GIVEN_NAME_MISMATCH');
    assert.equal(near.score, matchNames('RAJESH SINGH RATHORE', 'RAMESH SINGH RATHORE').score);
    // A woman's suffix or title, or a word written after the family name, reads as Mrs or Mr.
    for (const [a, b, title] of [['BEGUM AKHTAR', 'NASREEN AKHTAR', 'MRS AKHTAR'], ['BEGUM AKHTAR SHAIKH', 'NASREEN AKHTAR SHAIKH', 'MRS AKHTAR SHAIKH'],
      ['BEGUM KHAN', 'BIBI FATIMA KHAN', 'MRS KHAN'], ['BEGUM K KHAN', 'NASREEN K KHAN', 'MRS K KHAN'], ['DEVI SHARMA', 'SUNITA SHARMA', 'MRS SHARMA'],
      ['DEVI K SHARMA', 'SUNITA K SHARMA', 'MRS K SHARMA'], ['DEVI ROY BARMAN', 'SUNITA ROY BARMAN', 'MRS ROY BARMAN'],
      ['MRS DEVI SINGH', 'SUNITA SINGH', 'MRS SINGH'], ['DEVI SINGH', 'SMT SUNITA SINGH', 'MRS SINGH'],
      ['DEVI SINGH W/O RAMESH SINGH', 'SUNITA SINGH', 'MRS SINGH W/O RAMESH SINGH'], ['KHAN SAHIB', 'IMRAN KHAN', 'MR KHAN'],
      // Other spellings of the words, Bengali script's among them.
      ['বেগম আখতার', 'NASREEN AKHTAR', 'MRS AKHTAR'], ['BANOO AKHTAR SHAIKH', 'NASREEN AKHTAR SHAIKH', 'MRS AKHTAR SHAIKH'],
      ['DEVEE SHARMA', 'SUNITA SHARMA', 'MRS SHARMA']]) {
      const m = refuses(a, b, 'GIVEN_NAME_MISSING');
      assert.equal(m.score, matchNames(title, b).score, `${a} | ${b}`);
    }
    // Still a missing given name where the word may be part of it written joined (as its spaced
    // form), an initial may stand for it, the two may be one word or a man's and a woman's form of
    // one, or the word is the Muslim prefix records drop.
    const missing = matchNames('KUMAR SHARMA', 'AMIT KUMAR SHARMA').score;
    for (const [a, b] of [['AMITKUMAR SINGH SHARMA', 'KUMAR SINGH SHARMA'], ['SUNITADEVI SINGH RAO', 'DEVI SINGH RAO'],
      ['RAMESHBHAI PATEL', 'BHAI PATEL'], ['BALASAHEB PATIL', 'SAHIB PATIL'], ['SHAHBANU ALI KHAN', 'BANO ALI KHAN'],
      ['DEVIPRASAD SINGH VERMA', 'DEVI SINGH VERMA'], ['DEBIPRASAD SINGH VERMA', 'DEVI SINGH VERMA'], ['DEVI PRASAD SINGH VERMA', 'DEVI SINGH VERMA'],
      ['KUMARSWAMY RAO', 'KUMAR RAO'], ['KUMARASWAMY RAO', 'KUMAR RAO'], ['R KUMAR SHARMA', 'RAJESH R SHARMA'],
      ['SAHEBJIT SINGH', 'SAHIB SINGH'], ['SAHEBGOUDA PATIL', 'SAHEB PATIL'], ['SAHIBJOT SINGH GILL', 'SAHIB SINGH GILL'],
      ['KUMARESAN PERIYASAMY', 'KUMAR PERIYASAMY'], ['SHIVAKUMARA GOWDA', 'KUMAR GOWDA'], ['SIVAKUMARAN PILLAI', 'KUMAR PILLAI'],
      ['OMKUMAR SHARMA', 'KUMAR SHARMA'], ['சிவகுமார் பிள்ளை', 'KUMAR PILLAI'], ['SHAHNAZ BANU KHAN', 'BANO KHAN'], ['P DEVI PRASAD', 'P RAM PRASAD'], ['JADHAV SUNITA DATTATRAY', 'JADHAV BAI DATTATRAY'],
      ['BEGAM RAO', 'BEIGUM RAO'], ['SAHAB SINGH ARORA', 'SAHIB SINGH ARORA'], ['VEN GUPTA', 'VEENA GUPTA'], ['MOHAMMED ALAM', 'RAFIQ ALAM'],
      // The other record writes its family name first: the word may be its given name's suffix.
      ['KONDA SUNITHA', 'SUNITHA DEVI'], ['BOMMA RAMESH', 'RAMESH KUMAR'], ['MULLA RAFIQ', 'RAFIQ SAHEB']]) {
      const m = refuses(a, b, 'GIVEN_NAME_MISSING');
      assert.equal(m.score, missing, `${a} | ${b}`);
    }
  });
  it('a different surname with the same given name is not accepted', () => {
    refuses('AMIT SHARMA', 'AMIT VERMA', 'SURNAME_MISMATCH');
    refuses('GURPREET SINGH', 'GURPREET KAUR', 'SURNAME_MISMATCH');
    refuses('RAMESH PATIL', 'RAMESH PATEL', 'SURNAME_MISMATCH');
  });
  it('unrelated names are no match', () => {
    const m = matchNames('MEENAKSHI IYER', 'JOSEPH FERNANDES');
    assert.equal(m.result, 'NO_MATCH');
    assert.equal(m.reason, 'DIFFERENT');
  });
});

describe('classes that names never seen before showed weak', () => {
  it('a given name reduced to an initial, confirmed by the family name, is GOOD', () => {
    for (const [a, b] of [
      ['A. Sharma', 'Amit Sharma'], ['A.Sharma', 'Amit Sharma'], ['A Sharma', 'Amit Sharma'], ['ASharma', 'Amit Sharma'],
      ['Sharma A', 'Amit Sharma'], ['S. PATEL', 'SURESH PATEL'], ['K.Reddy', 'Kiran Reddy'],
    ]) {
      const m = accepts(a, b, 'INITIALS');
      assert.equal(m.result, 'GOOD_PARTIAL_MATCH', `${a} | ${b}`);
      assert.ok(m.score < 90, `${a} | ${b}: ${m.score} claims more than an initial can say`);
    }
    // The initial must agree, and a family name must be there to confirm it.
    refuses('B. Sharma', 'Amit Sharma');
    refuses('A Kumar', 'Ajay Kumar', 'AMBIGUOUS_INITIAL');
    refuses('ASHARMA', 'SHARMA'); // nothing to split against
    // Initials are split off only against a token written after the one they stand for.
    refuses('SNEHA SINGH RATHORE', 'NEHA SINGH RATHORE');
  });
  it("the father's-name initial, expanded, is GOOD", () => {
    for (const [a, b] of [
      ['K. Ramesh', 'Ramesh Krishnan'], ['K Ramesh', 'Krishnan Ramesh'], ['Venkatesh R', 'Raghavan Venkatesh'],
      ['R. Venkatesh', 'Venkatesh Raghavan'], ['Ramesh K.', 'Ramesh Krishnan'],
    ]) assert.equal(matchNames(a, b).result, 'GOOD_PARTIAL_MATCH', `${a} | ${b}: ${JSON.stringify(matchNames(a, b))}`);
  });
  it('several transliteration variants in one name at once are not POOR', () => {
    for (const [a, b] of [
      ['SUNITHA KUMAARI', 'SUNEETA KUMARI'],
      ['JAYASHREE ANSHU MISHRA', 'JAISHREE AMSHU MISHRA'], // ay / ai and the anusvara as n / m, in two tokens
      ['AALIYA DIGAMBER SHAH', 'ALIA DIGAMBAR SHAH'], // iya / ia, doubled vowel, -er / -ar
      ['SHREEKANTH REDDI', 'SRIKANT REDDY'],
      ['PRADEEP KUMAR MOHANTHY', 'PRADIP KUMAR MOHANTY'],
    ]) accepts(a, b, 'TRANSLITERATION');
    // Still no substitute for a different name: AMBU / ANBU is one name, AMBU / ANJU is not.
    refuses('ANJU SINGH', 'AMBU SINGH');
  });
  it('OCR slips inside a token are not POOR', () => {
    for (const [a, b] of [
      ['Rajesh Kumar', 'Rajcsh Kumar'], // e read as c
      ['Suresh Menon', 'Surcsh Menon'],
      ['Ramesh Varma', 'Rannesh Varma'], // m read as nn
      ['Ramesh Verma', 'Rarnesh Verma'], // m read as rn
      ['Ramachandran Pillai', 'Ramachandpan Pillai'], // a look-alike glyph deep inside a long name
    ]) {
      const m = accepts(a, b, 'TYPO');
      assert.ok(m.score < 100);
    }
    // A different letter of another sound is still another name.
    refuses('Shashikala Mishra', 'Shashibala Mishra');
    refuses('Harvinder Singh', 'Harminder Singh');
    // So is a slip that makes another name people are given, as a given name (Prerna scanned
    // reads Prema); as a family or middle name it stays a slip.
    refuses('Prema Sharma', 'Prerna Sharma', 'GIVEN_NAME_MISMATCH');
    refuses('Hema Joshi', 'Henna Joshi', 'GIVEN_NAME_MISMATCH');
    refuses('Pranav Rao', 'Pranay Rao', 'GIVEN_NAME_MISMATCH');
    accepts('Sunil Prema Kumar', 'Sunil Prerna Kumar', 'TYPO');
    // A final consonant read for a vowel makes the feminine, but for the glyphs that look like one.
    refuses('Jayant Mehta', 'Jayani Mehta', 'GIVEN_NAME_MISMATCH');
    refuses('Hemant Joshi', 'Hemani Joshi', 'GIVEN_NAME_MISMATCH');
    accepts('Anjali Mehta', 'Anjall Mehta', 'TYPO');
  });
  it('an OCR slip and a spelling apart in the same token', () => {
    for (const [a, b] of [
      ['ABDULLAH KHAN', 'ABDUIAH KHAN'], // Abdulah, its l read as i
      ['SURESH KUMAR', 'SURCESH KUMAR'], // Sureesh, an e read as c
      ['AARINI DAS', 'AAREENL DAS'], // Aareeni, its last i read as l
      ['ABHIMANYU SINGH', 'ABIMANYV SINGH'], // Abimanyu, its u read as v
    ]) accepts(a, b, 'TYPO');
    // Put back, the letter must make the other spelling, not a glide or another ending.
    refuses('JALESH KUMAR', 'JAYESH KUMAR'); // l put back as i would read Jaiesh, Jayesh
    refuses('SARALA DEVI', 'SARAYA DEVI');
    refuses('KAMALI DAS', 'KAMAL DAS');
  });
  it('a surname that differs by a suffix is no match of reordered tokens', () => {
    for (const [a, b] of [['RAJESH KUMAR', 'KUMARAN RAJESH'], ['ANIL KUMAR', 'KUMARAN ANIL'], ['RAJESH KUMARAN', 'KUMAR RAJESH'], ['RAMESH GOPAL', 'GOPALAN RAMESH']]) {
      const m = refuses(a, b);
      assert.ok(m.score > matchNames(a, 'JOSEPH FERNANDES').score, `${a} | ${b}: ${m.score}`);
    }
    // In place, the Tamil -an on a given name may be the one person, but the filings of the
    // Election Commission show Ganesh and Ganesan, Govindaraj and Govindarajan as names of their
    // own: not accepted, not refused outright either.
    const g = refuses('GOPAL RAO', 'GOPALAN RAO');
    assert.ok(g.score > matchNames('GOPAL RAO', 'JOSEPH FERNANDES').score, String(g.score));
    refuses('S RAJASEKAR', 'S RAJASEKARAN');
    // Reordering alone is fine.
    accepts('RAJESH KUMAR', 'KUMAR RAJESH', 'TOKEN_ORDER');
    // An n after a short given name in -a is another name.
    refuses('SHOBHA NAIR', 'SHOBHAN NAIR', 'GIVEN_NAME_MISMATCH');
    // After a long one it is the same name, but for the Malayalam feminine -ala.
    accepts('S GOPALAKRISHNA PILLAI', 'S GOPALAKRISHNAN PILLAI', 'TRANSLITERATION');
    accepts('NITYANANDA GIRI', 'NITHYANANDHAN GIRI', 'TRANSLITERATION');
    refuses('SREEVALSALA K', 'SREEVALSALAN K');
  });
  it('a letter dropped at the end of the first syllable of a long name', () => {
    accepts('KADAKAMPALLY SURENDRAN', 'KADAKAMPALLY SUENDRAN');
    // Not in a short one: Sunita / Suita is no spelling.
    refuses('SUNITA DAS', 'SUITA DAS');
  });
  it('a consonant dropped from a cluster of a long given name', () => {
    accepts('B KARTHIKEYAN', 'B KATHIKEYAN', 'TYPO');
    accepts('RAVICHANDRAN G', 'RAVICHADRAN G', 'TYPO');
    // Also on a spelling with a long vowel written double; not with an aspirate's h folded, which
    // would join the Tamil Raghunadhan (Raghunathan) to Raghunandan.
    accepts('KAARTHIKEYAN S', 'KATHIKEYAN S', 'TYPO');
    refuses('RAGHUNADHAN S', 'RAGHUNANDAN S');
    // Nor with the long vowel on the word without the consonant, where it stands for the nasal.
    refuses('RAMANAADAN S', 'RAMANANDAN S');
    accepts('P CHIDAMBARAM', 'P CHINDAMBARAM', 'TYPO'); // an n before a d too
    // Not the first letter of a digraph, nor in a shorter name, nor in the name before a -kumar.
    refuses('HARICHARAN DAS', 'HARIHARAN DAS');
    refuses('CHANDRIKA DAS', 'CHANDIKA DAS');
    refuses('RANJITHKUMAR S', 'RAJITHKUMAR S');
    // Nor against a name read from an Indian script (the rolls' own joints: Velakutti, Velamkutti).
    refuses('VELAMKUTTI', 'വേലകുട്ടി');
  });
});

describe('spellings found by varying the names in the corpora (filings, Indian Names Corpus, Kerala rolls)', () => {
  // 99.5% accepted, or one refusal where a change applies to fewer than 200 words.
  const within = (o: Outcome) => o.n - o.accepted <= Math.max(1, Math.floor(0.005 * o.n));
  /** The share accepted, over all the changes `vary` makes, on each corpus's words. */
  const holdsOnEachCorpus = (vary: typeof varyTwice, minChanged: number, floor: number) => {
    for (const [corpus, words] of Object.entries(corpusWords())) {
      const out = Object.values(vary(words, (a, b) => matchNames(a, b).score, DEFAULT_BANDS.good));
      const n = out.reduce((t, o) => t + o.n, 0);
      const accepted = out.reduce((t, o) => t + o.accepted, 0);
      assert.ok(n >= minChanged && accepted / n >= floor, `${corpus}: ${accepted} of ${n} accepted`);
    }
  };
  it('regular spelling changes of the words of names others wrote keep them accepted', () => {
    // Doubled letters, aspirates, long vowels, w / v, s / sh, aa, x, f, q, z (as j, and as the
    // Kerala s), the Tamil th for d, the Bengali b, final
    // i / y / ee, u / oo, ay / ai, au / ou, chh, the Odia ru, the first letter's spellings (s / sh,
    // b / v, an aspirate, hr...) and a scanner's slips, applied to
    // every word of the filings, the Indian Names Corpus and the Kerala rolls
    // (bench/namematch/vary.ts prints the refusals). Each was at 99.6% or more when this floor
    // was set, but for the rare ones (x, q, z...), where one refusal in a few dozen words is let by.
    const changed = new Map<string, number>();
    for (const [corpus, words] of Object.entries(corpusWords())) {
      for (const [change, o] of Object.entries(vary(words, (a, b) => matchNames(a, b).score, DEFAULT_BANDS.good))) {
        changed.set(change, (changed.get(change) ?? 0) + o.n);
        assert.ok(within(o), `${corpus} ${change}: ${o.accepted} of ${o.n} accepted; refused ${o.refused.slice(0, 10).join(', ')}`);
      }
    }
    for (const [change, n] of changed) assert.ok(n >= 30, `${change}: only ${n} words changed`);
  });
  it('...and every word of a full name changed at once', () => {
    // All 5,623 were accepted when this floor was set; Bose / Boshe and Sekh / Sek were most of
    // the refusals before.
    const o = varyNames(corpusNames(), (a, b) => matchNames(a, b).score, DEFAULT_BANDS.good);
    assert.ok(o.n >= 4000, `only ${o.n} names changed`);
    assert.ok(o.accepted / o.n >= 0.995, `${o.accepted} of ${o.n} accepted; refused ${o.refused.slice(0, 10).join(', ')}`);
  });
  it('...and two changes in one word at once', () => {
    // 99.55% (filings), 99.65% (Indian Names Corpus), 99.73% (Kerala rolls) when this floor was
    // set, from 98.4-98.8% when the Tamil th for d had to be the only difference (Binod /
    // Beenoth). Left refused: the th beside a doubling (Sannidhi / Sanithi are two names).
    holdsOnEachCorpus(varyTwice, 30_000, 0.995);
  });
  it('...and a change and then a scanner\'s slip in one word', () => {
    // 92.0% (filings), 95.2% (Indian Names Corpus), 94.3% (Kerala rolls) when this floor was set,
    // from 30-32% when a slip had to be the only difference. Left refused on purpose: a slip
    // beside the Tamil th or that would double a consonant (bench/namematch/README.md).
    holdsOnEachCorpus(varySlipped, 40_000, 0.9);
  });
  it('...and against the Devanagari spelling the Indian Names Corpus gives', () => {
    const r = varyAgainstScript(scriptPairs(), (a, b) => matchNames(a, b).score, DEFAULT_BANDS.good);
    assert.ok(r.kept / r.base >= 0.95, `${r.kept} of ${r.base} accepted unchanged`);
    for (const [change, o] of Object.entries(r.changes)) {
      assert.ok(o.n >= 20, `${change}: only ${o.n} changed`);
      assert.ok(within(o), `${change}: ${o.accepted} of ${o.n} accepted; refused ${o.refused.slice(0, 10).join(', ')}`);
    }
  });
  it('a spelling one h or doubled letter away from a listed one is that name, at any length', () => {
    accepts('SAMIR BOSE', 'SAMIR BOSHE', 'TRANSLITERATION');
    accepts('AJIT SEKH', 'AJIT SEK', 'TRANSLITERATION');
    // An h between vowels is a letter: Rahi is not Rai.
    refuses('RAHI SHARMA', 'RAI SHARMA');
    // Nor does a list part what the rules join: Bose is listed with Basu, Vose is Bose by the rules.
    accepts('SUBRATA BOSE', 'SUBRATA VOSE', 'TRANSLITERATION');
    // Rab is Rav by the rules, and Rav is listed with Rao: Rab is not taken for Rao.
    refuses('RAB TIWARI', 'RAO TIWARI');
  });
  it('aw before k or h is au, and a final h written twice is one', () => {
    accepts('SHAWKAT ALI', 'SHAUKAT ALI', 'TRANSLITERATION');
    accepts('CHAUHAAN GUPTA', 'CHAWHAN GUPTA', 'TRANSLITERATION');
    accepts('VARAH DAS', 'VARAHH DAS', 'TRANSLITERATION');
    // Before another consonant the w is a v: Bhawna is Bhavna, not Bhauna.
    accepts('BHAWNA DEVI', 'BHAVNA DEVI', 'TRANSLITERATION');
  });
  it('the feminine -a after a final i, but not the -a after a final y', () => {
    refuses('ALI KHAN', 'ALIA KHAN', 'GENDER_VARIANT');
    refuses('RAFI AHMED', 'RAFIA AHMED', 'GENDER_VARIANT');
    refuses('SOFI KHAN', 'SOFIYA KHAN', 'GENDER_VARIANT');
    refuses('RAFFI KHAN', 'RAFIA KHAN', 'GENDER_VARIANT'); // a doubled consonant, a long i written ee
    refuses('RABEE KHAN', 'RABIA KHAN', 'GENDER_VARIANT');
    refuses('RAVI KHAN', 'RABIA KHAN', 'GENDER_VARIANT'); // b for v, j for z, an aspirate's h
    refuses('SHAJI K', 'SHAZIA K', 'GENDER_VARIANT');
    accepts('SATYA REDDY', 'SATY REDDY');
    accepts('CHAITANYA RAO', 'CHAITANY RAO');
  });
  it("the corpora's given names a vowel swapped at the end apart are never one by a slip, -i against -ya never one", () => {
    // Every pair of words of the corpora (others' data) that differ so, each as a given name: a
    // swap may be one name by a spelling rule (Rabindar / Rabindra, Bhakat / Bhakta), never by a
    // slip; -i against -ya is never one name.
    const c = corpusWords();
    const words = new Set([...c.affidavits, ...c.parlikar, ...c.kerala].filter((w) => /^[A-Z]{4,}$/.test(w)));
    const accepted: string[] = [];
    let n = 0;
    for (const w of words) {
      const swapped = `${w.slice(0, -2)}${w[w.length - 1]}${w[w.length - 2]}`;
      const ya = w.endsWith('I') ? `${w.slice(0, -1)}YA` : '';
      for (const x of [swapped, ya]) {
        if (!x || x === w || !words.has(x) || !/[AEIOU]/.test(w.slice(-2))) continue;
        n++;
        const m = matchNames(`${w} SHARMA`, `${x} SHARMA`);
        if (m.score >= DEFAULT_BANDS.good && (x === ya || codes(m).includes('TYPO'))) accepted.push(`${w} / ${x}`);
      }
    }
    assert.ok(n > 60, String(n));
    assert.deepEqual(accepted, []);
  });
  it('the feminine -a after a written b, z or j, but not the -a of Shiba or of a -raj', () => {
    for (const [a, b] of [['HABIB KHAN', 'HABIBA KHAN'], ['MEHBOOB ALAM', 'MEHBOOBA ALAM'], ['FIROZ KHAN', 'FIROZA KHAN'],
      ['SAROJ DAS', 'SAROJA DAS'], ['PANKAJ MISHRA', 'PANKAJA MISHRA']]) refuses(a, b, 'GENDER_VARIANT');
    refuses('FIROJ KHAN', 'FIROZA KHAN', 'GENDER_VARIANT'); // j for z, as the keys read it
    accepts('SHIB DAS', 'SHIBA DAS');
    accepts('SANJEEV K', 'SANJEEVA K');
    accepts('YUVRAJ SINGH', 'YUVRAJA SINGH');
    accepts('NATARAJ K', 'NATARAJA K');
  });
  it('a name in -i against the same in -ya is another name, a family name so written a form of one', () => {
    for (const [a, b] of [['ADITI SHARMA', 'ADITYA SHARMA'], ['KAVI RAO', 'KAVYA RAO'], ['SANDHI JAIN', 'SANDHYA JAIN'], ['SURI NAIDU', 'SURYA NAIDU'],
      ['ADITHI RAO', 'ADITYA RAO'], ['VIDHI JAIN', 'VIDYA JAIN']]) {
      refuses(a, b, 'GENDER_VARIANT');
    }
    accepts('RAMESH ACHARI', 'RAMESH ACHARYA', 'GENDER_VARIANT');
  });
  it('the long o written oo', () => {
    accepts('KOKILA NAIR', 'KOOKILA NAIR', 'TRANSLITERATION');
    accepts('MANOJ SINGH', 'MANOOJ SINGH', 'TRANSLITERATION');
    accepts('GOPAL JAIN', 'GOOPAAL JAIN', 'TRANSLITERATION');
  });
  it('the h of an initial hr, and Sukumar written with sh', () => {
    accepts('HRISHIKESH DAS', 'RISHIKESH DAS', 'TRANSLITERATION');
    accepts('HRUDAY SAHOO', 'RIDAY SAHOO', 'TRANSLITERATION');
    accepts('SHUKUMAR DAS', 'SUKUMAR DAS', 'TRANSLITERATION');
    refuses('SUKUMAR DAS', 'SU DAS');
  });
  it('the joined -bai, -bhai and -ben, however spelled, and the -bhay of Nirbhay that is none', () => {
    for (const [a, b] of [['RAJANIBHAI', 'RAJANIBAI'], ['RAJANIBAY', 'RAJANI'], ['ANANDABHAY', 'ANANDABAI'], ['BHABEN', 'BHAABEN'], ['LAXMIBAI', 'LAXMI']]) accepts(`${a} DAS`, `${b} DAS`, 'TRANSLITERATION');
    accepts('NIRBHAY KUMAR', 'NIRBHAI KUMAR', 'TRANSLITERATION');
    refuses('NIRBHAY KUMAR', 'NIR KUMAR', 'GIVEN_NAME_MISMATCH');
    refuses('REUBEN DAS', 'REU DAS', 'GIVEN_NAME_MISMATCH');
  });
  it('Ujwala with one j, and the article of Abdut Tawab written th', () => {
    accepts('UJWALA BISWAS', 'UJJVALA BISWAS', 'TRANSLITERATION');
    accepts('UJWALA KUMAR', 'उज्ज्वला कुमार', 'TRANSLITERATION');
    accepts('ABDUT TAWAB', 'ABDUTH TAWAB', 'TRANSLITERATION');
  });
  it('a doubled r before u is one r, not the r of Krushna', () => {
    for (const [a, b] of [['ARUN KUMAR', 'ARRUN KUMAR'], ['ANUP BARUAH', 'ANUP BARRUAH'], ['K KURUP', 'K KURRUP']]) accepts(a, b, 'TRANSLITERATION');
    accepts('KRUSHNA SAHOO', 'KRISHNA SAHOO', 'TRANSLITERATION');
  });
  it('the z of an Arabic name written s at its end or before a consonant, as Kerala and Tamil spellings do', () => {
    for (const [a, b] of [['RIYAZ K', 'RIYAS K'], ['NIYAZ AHMED', 'NIYAS AHMED'], ['AFZAL KHAN', 'AFSAL KHAN'], ['HAMZA M', 'HAMSA M'], ['NAZMUL HOQUE', 'NASMUL HOQUE']]) accepts(a, b);
    // Not between vowels, after n, nor a first letter: those are two names.
    refuses('ASAD KHAN', 'AZAD KHAN');
    refuses('AZZAM K', 'ASAM K');
    refuses('MANZOOR AHMED', 'MANSOOR AHMED');
    refuses('NASIM AHMED', 'NAZIM AHMED');
    refuses('ZEENAT BEGUM', 'SEENAT BEGUM');
    // Nor an sh, which the keys read as s: Ramez is no Ramesh, Parvez no Parvesh.
    refuses('RAMEZ ALI', 'RAMESH ALI');
    refuses('PARVEZ KHAN', 'PARVESH KHAN');
  });
  it('the u that Telugu and Tamil put after a -raj or -vel', () => {
    for (const [a, b] of [['GOVINDARAJ K', 'GOVINDARAJU K'], ['THANGAVEL M', 'THANGAVELU M'], ['SELVARAJ A', 'SELVARAJU A']]) accepts(a, b, 'TRANSLITERATION');
    refuses('RAJ KUMAR SINGH', 'RAJU KUMAR SINGH'); // Raju is a name of its own
    refuses('SANTAN DAS', 'SANTANU DAS');
  });
  it('the honorific -rao, -raoji and -ji joined to a name, as returning officers write it one year and not the next', () => {
    for (const [a, b] of [['ASHOK SHANKARRAO CHAVAN', 'ASHOKRAO SHANKARRAO CHAVAN'], ['PAWAR NARAYAN BABURAO', 'PAWAR NARAYANRAO BABURAO'],
      ['MADAN MADHUKAR YERAWAR', 'MADAN MADHUKARRAO YERAWAR'], ['DESHMUKH ANANDRAO RAMJI', 'DESHMUKH ANANDRAOJI RAMJI'],
      ['GOVARDHAN MANGILALJI SHARMA', 'GOVARDHAN MANGILAL SHARMA'], ['HARISINHJI CHAVDA', 'HARISINH CHAVDA']]) accepts(a, b, 'TRANSLITERATION');
    // Marathi's -bhau, -dada, -baba, -tai, -saheb and its short -so, the same way.
    for (const [a, b] of [['ARUN JANARDAN ADSAD', 'ARUNBHAU JANARDAN ADSAD'], ['SHOBHA FADNAVIS', 'SHOBHATAI FADNAVIS'],
      ['MANE BALASAHEB SHANKARRAO', 'MANE BALASO SHANKARRAO'], ['PRAKASH PATIL', 'PRAKASHDADA PATIL'], ['BHAUSAHEB PATIL', 'BHAUSO PATIL']]) accepts(a, b, 'TRANSLITERATION');
    // The Deccan's -sab (sahib) on a Muslim name, and against -saheb; not a short stem (Kassab).
    for (const [a, b] of [['IMAMSAB NADAF', 'IMAM NADAF'], ['J. MOHAMAD IMAMSAB', 'J. MOHAMED IMAM'], ['RAJESAB MULLA', 'RAJESAHEB MULLA'],
      ['IMAMSAHIB NADAF', 'IMAMSAB NADAF']]) accepts(a, b, 'TRANSLITERATION');
    refuses('KASSAB ALI', 'KAS ALI');
    refuses('HUSSENSAB NADAF', 'HUSSEN NADAF'); // what is left is a family name (Husain)
    // Gujarati's -rai and the -bhaiya of the north, the same way.
    accepts('JAYANT MEHTA', 'JAYANTRAI MEHTA', 'TRANSLITERATION');
    accepts('SUNILBHAIYYA RATHOD', 'SUNIL RATHOD', 'TRANSLITERATION');
    // The stem spelled otherwise, by a spelling rule or a vowel a name may vary by.
    accepts('SHANKAR MADHOJIRAO PATIL', 'SHANKAR MADHUJI PATIL');
    accepts('BALVANTRAI MEHTA', 'BALWANT MEHTA');
    // Not a stem that a vowel or the Bengali o makes another name.
    refuses('KOMALRAO PATIL', 'KAMAL PATIL');
    refuses('SOPANRAO PATIL', 'SAPAN PATIL');
    refuses('GOKULBHAU PATIL', 'GAKUL PATIL');
    // The given-name vowel rules ask the stem: Abhimani is no Abhimanyu, with an honorific or not.
    refuses('ABHIMANIBHAU PATIL', 'ABHIMANYU PATIL');
    refuses('PRASANNATAI JOSHI', 'PRASANTA JOSHI');
    // One honorific a word; Rai joined to the last word is the family name, and the Tamil -durai
    // no honorific.
    refuses('RAMESHRAORAO PATIL', 'RAMESH PATIL');
    refuses('SURESH PRASADRAI', 'SURESH PRASAD SINGH', 'SURNAME_MISMATCH');
    refuses('RAMESH VELLADURAI', 'RAMESH VELADI');
    // However many are joined, the work stays bounded.
    for (const h of ['BHAU', 'RAO']) {
      const t = process.hrtime.bigint();
      assert.equal(matchNames(`SHRIKANT${h.repeat(1500)}`, 'SHRIKONT').result, 'NO_MATCH');
      assert.ok(Number(process.hrtime.bigint() - t) / 1e6 < 500);
    }
    // Two honorifics are not one: -tai is a woman's, and Babasaheb and Babarao are two names.
    refuses('KIRANTAI PATIL', 'KIRANRAO PATIL');
    refuses('BABASAHEB PATIL', 'BABARAO PATIL');
    refuses('SAIBABA REDDY', 'SAIRAO REDDY');
    // Nor is a kinship word or an honorific what is left of a name (Bhairao is Bhairav).
    refuses('BABASAHEB AMBEDKAR', 'BABA AMBEDKAR');
    refuses('RAOSAHEB DANVE', 'RAO DANVE');
    refuses('BHAIRAO PATIL', 'BHAI PATIL');
    // The -ji of a Parsi or Maratha name is its own.
    refuses('CYRUS PESTONJI', 'CYRUS PESTON');
    refuses('JAMSHEDJI TATA', 'JAMSHED TATA');
    refuses('SULTANJI NIMBALKAR', 'SULTAN NIMBALKAR');
    // A suffix the keys take off is an honorific of a gender too; a man's on a woman's name;
    // a family name; the -oso of Goan names; an honorific as the stem.
    refuses('ASHOKKUMAR PATIL', 'ASHOKTAI PATIL');
    refuses('RAMESHBHAI PATEL', 'RAMESHTAI PATEL');
    // Nor the Gujarati -bhai (a man's) against -ben (a woman's), both taken off by the keys.
    refuses('KANTIBHAI PATEL', 'KANTIBEN PATEL', 'GENDER_VARIANT');
    refuses('SHANTIKUMAR PATEL', 'SHANTIBEN PATEL', 'GENDER_VARIANT');
    refuses('SHANTAKUMAR PATIL', 'SHANTABAI PATIL', 'GENDER_VARIANT'); // Marathi -bai, a woman's
    for (const [a, b] of [['KANTIBHAI PATEL', 'KANTI PATEL'], ['HANSABEN PATEL', 'HANSABEHN PATEL'], ['RAJANIBHAI K', 'RAJANIBAI K'],
      ['SHANTABAI PATIL', 'SHANTA PATIL']]) accepts(a, b);
    refuses('RAMA SHARMA', 'RAMARAO SHARMA');
    refuses('VIKRAM JADHAV', 'VIKRAM JADHAVRAO');
    refuses('JOSE PEDRO', 'JOSE PEDROSO');
    refuses('SAHEB PATIL', 'SAHEBRAO PATIL');
    refuses('AABA PATIL', 'AABASAHEB PATIL');
    // Written apart, as before: the keys are the written tokens'.
    accepts('VIKHE PATIL RADHAKRISHNA EKNATH RAO', 'VIKHE RADHAKRISHNA EKNATHRAO');
    // A -ji after a vowel or four letters or fewer is the name's own; Rao alone is no stem.
    refuses('SHIVAJI PATIL', 'SHIVA PATIL');
    refuses('BALAJI RAO', 'BALA RAO');
    refuses('RAMJI PATIL', 'RAM PATIL');
    refuses('PREMJI SHAH', 'PREM SHAH');
  });
  it('the y glide before o with another spelling of the word, not a yoo read as yu', () => {
    accepts('JOTHI DAS', 'JYOTI DAS', 'TRANSLITERATION');
    refuses('BYOOTI DAS', 'BUTI DAS'); // beauty
  });
  it('the -aya of a long masculine name written or not; in a short one it is the feminine', () => {
    for (const [a, b] of [['DATTATRAY PATIL', 'DATTATRAYA PATIL'], ['DEVARAY NAIK', 'DEVARAYA NAIK'], ['JYOTIRMAY SHARMA', 'JYOTIRMAYA SHARMA'], ['DHANANJAY PATIL', 'DHANANJAYA PATIL']]) accepts(a, b, 'TRANSLITERATION');
    // The Bengali -oy of such a name too; not of a short one, nor of one whose -aya is the feminine.
    for (const [a, b] of [['CHINMOY DAS', 'CHINMAYA DAS'], ['DHANANJOY PAL', 'DHANANJAYA PAL']]) accepts(a, b, 'TRANSLITERATION');
    for (const [a, b] of [['TANMOY DAS', 'TANMAYA DAS'], ['BIJOY DAS', 'BIJAYA DAS'], ['AKSHOY DAS', 'AKSHAYA DAS']]) refuses(a, b);
    refuses('SHANTIMOY RAI', 'SHANTIMAYA RAI'); // a vowel's -moy: Shanti Maya is a woman's name
    refuses('VIJAY PATIL', 'VIJAYA PATIL', 'GENDER_VARIANT');
    refuses('AKSHAY RAO', 'AKSHAYA RAO', 'GENDER_VARIANT');
    refuses('SREEVIJAY K', 'SREEVIJAYA K', 'GENDER_VARIANT');
    refuses('ABHINAY SHARMA', 'ABHINAYA SHARMA', 'GENDER_VARIANT');
    // As written: the Tamil -aiah and the Hindi -dai are no -ay (Bhagwandai is a woman's name).
    refuses('KARUPPAI MUTHU', 'KARUPPAIAH MUTHU');
    refuses('BHAGWANDAI DEVI', 'BHAGWANDAYA DEVI');
  });
  it('the v at a name\'s end written o, and Goel for Goyal', () => {
    for (const [a, b] of [['MADHAV GAIKWAD', 'MADHAO GAIKWAD'], ['VIJAY JADHAV', 'VIJAY JADHAO'], ['KESHAV BHOSALE', 'KESHAO BHOSALE'], ['RAM NIWAS GOEL', 'RAM NIWAS GOYAL']]) accepts(a, b);
    accepts('VIJAY JADHAO', 'VIJAY JADHAU'); // ao and au, as the keys read them
    // Before a joined -rao too: Maharashtra's fathers' names, one spelling against the other.
    for (const [a, b] of [['SHARAD KESHAORAO PATIL', 'SHARAD KESHAVRAO PATIL'], ['ANIL MADHAORAO DESHMUKH', 'ANIL MADHAVRAO DESHMUKH'],
      ['VIJAY YADAORAO KALE', 'VIJAY YADAVRAO KALE'], ['KESHAORAO PATIL', 'KESHAVRAO PATIL']]) accepts(a, b, 'TRANSLITERATION');
    refuses('RAMESH BHAORAO PATIL', 'RAMESH BHAVRAO PATIL'); // Bhaurao: Bhau's -rao, not Bhav's
    // A family name however its v is written: Jadhaorao, as Jadhavrao, is no Jadhav.
    refuses('SUNIL JADHAORAO', 'SUNIL JADHAV');
    refuses('SUNIL JADHAVRAO', 'SUNIL JADHAV');
  });
  it('an initial ksh written kh, as Bengal, Assam and Odisha write it, and an aspirate\'s h doubled', () => {
    for (const [a, b] of [['KSHUDIRAM BOSE', 'KHUDIRAM BOSE'], ['KSHIROD DAS', 'KHIROD DAS'], ['KSHITISH BISWAL', 'KHITISH BISWAL'], ['KSITISH ROY', 'KHITISH ROY']]) accepts(a, b, 'TRANSLITERATION');
    refuses('SHIKSHA DAS', 'SHIKHA DAS'); // inside a word, two names
    // Only against a kh: the keys drop an aspirate's h, and Kshatriya is no Kataria.
    refuses('RAHUL KSHATRIYA', 'RAHUL KATARIA');
    refuses('KSHAMA DAS', 'KAMA DAS');
    accepts('KSHITIJ DAS', 'XITIJ DAS');
    accepts('TUPE VITHHAL BABURAO', 'TUPE VITHAL BABURAO', 'TRANSLITERATION');
  });
  it('the a that joins a name to a -kumar is no feminine (Vijayakumar / Vijay Kumar)', () => {
    for (const [a, b] of [['VIJAYAKUMAR', 'VIJAYKUMAR'], ['VIJAYAKUMAR R', 'VIJAY KUMAR R'], ['VIJAYA KUMAR S', 'VIJAY KUMAR S'], ['SANJAYAKUMAR', 'SANJAY KUMAR'],
      // with the name's y written i
      ['VIJAIKUMAR', 'VIJAYAKUMAR'], ['JAIKUMAR R', 'JAYAKUMAR R'], ['UDAIKUMAR', 'UDAYAKUMAR'],
      // and the stems spelled otherwise, as the keys read them
      ['JEYAKUMAR R', 'JAIKUMAR R'], ['UDHAYAKUMAR S', 'UDAIKUMAR S']]) accepts(a, b);
    refuses('VIJAIKUMAR', 'VIJAYAKUMARI');
    // Without the kumar it is the feminine, and so against a KUMARI.
    refuses('VIJAYA S', 'VIJAY S', 'GENDER_VARIANT');
    refuses('VIJAYA DEVI', 'VIJAY DEVI', 'GENDER_VARIANT');
    refuses('VIJAYA KUMARI', 'VIJAY KUMAR', 'GENDER_VARIANT');
  });
  it('a name and its -kumar written apart against the joined word spelled otherwise', () => {
    // A joined -kumar is keyed without it, which read the joined word as the first piece alone
    // (the single name against a full name, 80).
    for (const [a, b] of [['SATHISHKUMAR', 'SATHEESH KUMAR'], ['SIVAKUMAR', 'SHIVA KUMAR'], ['UDHAYAKUMAR', 'UDAY KUMAR'],
      ['JAYAKUMAR', 'JAI KUMAR']]) accepts(a, b, 'JOINED_TOKENS');
    refuses('SURESH KUMAR', 'SURESHKUMARI');
    refuses('JAYA KUMARI', 'JAYKUMAR');
    // Only a kumar written apart, not a family name that looks like it (Kumhar, the potters'),
    // nor a woman's name before the family name Kumar (as when both are written apart).
    for (const [a, b] of [['ANIL KUMHAR', 'ANILKUMAR'], ['RAVI KAMAR', 'RAVIKUMAR'], ['ANILA KUMAR', 'ANILKUMAR'], ['SUSHEELA KUMAR', 'SUSHILKUMAR']]) refuses(a, b);
    accepts('SHIVA KUMAR', 'SHIVKUMAR', 'JOINED_TOKENS');
    accepts('VIJAYA KUMAR', 'VIJAYKUMAR', 'JOINED_TOKENS'); // the -aya before a kumar is no feminine
  });
  it('the Tamil kk of a joined -kumar', () => {
    for (const [a, b] of [['SIVAKKUMAR R', 'SIVAKUMAR R'], ['MUTHUKKUMAR P', 'MUTHUKUMAR P'], ['JAYAKKUMAR', 'JAYAKUMAR']]) accepts(a, b, 'TRANSLITERATION');
    accepts('SIVAKKUMAR R', 'SIVA KUMAR R', 'JOINED_TOKENS');
    // Only between two -kumar tokens: Deepakkumar is Deepak, not Deepa.
    refuses('DEEPAKKUMAR SHARMA', 'DEEPA SHARMA');
    refuses('ASHOKKUMAR', 'ASHOK KUMARAN');
  });
  it('the h of shah- before a consonant, and Fatima as it is written', () => {
    for (const [a, b] of [['SHAHNAZ BEGUM', 'SHANAZ BEGUM'], ['SHAHJAHAN ALI', 'SHAJAHAN ALI'], ['SHAHRUKH KHAN', 'SHARUKH KHAN']]) accepts(a, b, 'TRANSLITERATION');
    refuses('RAHMAN ALI', 'RAMAN ALI');
    for (const [a, b] of [['FATHIMA K', 'FATEMA K'], ['FATIMA BEGUM', 'FATMA BEGUM']]) accepts(a, b, 'TRANSLITERATION');
  });
  it('the Arabic article written apart (Nur Ul Islam) is no pair of initials', () => {
    accepts('NURUL ISLAM', 'NUR UL ISLAAM', 'JOINED_TOKENS');
    accepts('ZIAUL HAQUE', 'ZIA UL HOQUE', 'JOINED_TOKENS');
    accepts('HABIB UR RAHMAN', 'HABIBUR RAHAMAN', 'JOINED_TOKENS');
    refuses('NUR UL ISLAM', 'NUR ALAM');
  });
  it('the article written once in a joined Abdur Rahman', () => {
    for (const [a, b] of [['ABDURAHIMAN K', 'ABDURRAHIMAN K'], ['ABDURAHIMAN', 'ABDUL RAHIMAN'], ['ABDUSALAM P', 'ABDUS SALAM P']]) accepts(a, b);
    refuses('ABDURAHIMAN K', 'ABDUL KAREEM K');
    // The same with its u written oo, and with the n the article takes before n.
    for (const [a, b] of [['ABDOORAHEEM', 'ABDURAHEEM'], ['ABDUNAVAS T', 'ABDUNNAVAS T'], ['ABDUNNAFI', 'ABDUL NAFI'], ['ABDHUR RAHIM', 'ABDUR RAHIM'], ['ABDURAB', 'ABDUL RAB']]) accepts(a, b);
  });
  it('Singha, filed for सिंह and for सिनहा, is Singh and Sinha; Singh and Sinha stay two families; Saiekh is Sheikh', () => {
    for (const [a, b] of [['YUBARAJ SINGHA', 'YUBARAJ SINGH'], ['GOURANGA SINGHA', 'GOURANGA SINHA'], ['RAGHAW SING', 'RAGHAW SINGHA']]) accepts(a, b, 'TRANSLITERATION');
    refuses('AMIT SINGH', 'AMIT SINHA');
    refuses('ANIL SINH', 'ANIL SINHA'); // the Gujarati Sinh is Singh's
    accepts('PRADIP SINH JADEJA', 'PRADIP SINGH JADEJA');
    // Sheikh as two filers write it (the lexicon's line).
    accepts('REJUYAN SEKH', 'REJUYAN SAIEKH', 'TRANSLITERATION');
  });
  it('Abhul, the filings\' English for Abdul; not Abul, another name', () => {
    for (const [a, b] of [['ABDUL AZEEZ', 'ABHUL AZIZ'], ['ABDUR RAHMAN', 'ABHUL RAHMAN'], ['ABHUL', 'ABDUL']]) accepts(a, b, 'TRANSLITERATION');
    refuses('ABUL KALAM', 'ABHUL KALAM');
    refuses('ABDUL KUDDUS', 'ABHUL KUNDU');
  });
  it('a doubled consonant that other rules read as a cluster', () => {
    for (const [a, b] of [
      ['KUBENDARAN P', 'KUBENDARRAN P'], ['SUNDARRAJ K', 'SUNDARAJ K'], // not the r of Surendra / Surender
      ['SACCHIDANANDA DAS', 'SACHIDANANDA DAS'], ['AMITABH BACCHAN', 'AMITABH BACHCHAN'], // the doubled ch
      ['SATHCHIDANANDAN', 'SATCHIDANANDAN'], ['SATCHIDANANDAN', 'SACHIDANANDAN'], // Kerala's thch and tch for ch
    ]) accepts(a, b, 'TRANSLITERATION');
    accepts('SURENDRA KUMAR', 'SURENDER KUMAR', 'TRANSLITERATION');
  });
  it('an initial i written e in a long name', () => {
    for (const [a, b] of [['ESWARAN K', 'ISWARAN K'], ['EASWARAN K', 'ISWARAN K'], ['ESHWAR SINGH', 'ISHWAR SINGH'], ['ELANGO R', 'ILANGO R'], ['EMRAN KHAN', 'IMRAN KHAN']]) accepts(a, b, 'TRANSLITERATION');
    // Short ones are filed as names of their own.
    refuses('ESHA DEOL', 'ISHA DEOL');
    refuses('ELA SEN', 'ILA SEN');
    // The length is read without doubled letters and h, so that a doubling does not cross it.
    for (const [a, b] of [['EMIL KUMAR', 'EMMIL KUMAR'], ['ESAN KUMAR', 'ESHAN KUMAR'], ['ERANHIKAL P', 'ERRANHIKAL P'], ['IRAIYAVAN', 'IRRAIYAVAN']]) accepts(a, b);
  });
  it('two pieces joined that spell the other token another way', () => {
    for (const [a, b] of [['RAM KISHORE', 'RAMKISHOR'], ['MOHAN LAL', 'MOHANLALL'], ['RAM CHANDRA', 'RAMCHANDER']]) accepts(a, b, 'JOINED_TOKENS');
    refuses('RAM KISHORE', 'RAMKISHAN');
  });
  it('ai before a vowel is the glide ayy', () => {
    for (const [a, b] of [['AIYANAR K', 'AYYANAR K'], ['KANHAIYA LAL', 'KANHAYYA LAL'], ['KARUPPAIAH M', 'KARUPPAYYA M'], ['THEIYAM', 'THEYYAM'], ['IRAIYAVAN', 'IRAYYAVAN']]) accepts(a, b, 'TRANSLITERATION');
    accepts('AYESHA BEGUM', 'AISHA BEGUM', 'TRANSLITERATION');
    refuses('ASHA BEGUM', 'AISHA BEGUM');
  });
  it('a spelling the variant lists do not hold joins the list of one the rules read it as', () => {
    for (const [a, b] of [['HOSSAIN ALI', 'HOSHEN ALI'], ['YOSUF KHAN', 'YUSUF KHAN']]) accepts(a, b, 'TRANSLITERATION');
    // Only long keys: Said's is Sayid's (Syed), and Said is Saeed.
    refuses('SAEED KHAN', 'SAYED KHAN');
  });
  it('a joined name does not take a token the other name has of its own', () => {
    accepts('MADAVDAS KUMAR', 'माधव दास कुमार', 'JOINED_TOKENS');
    for (const [a, b] of [['ANILKHUMAR DAS', 'ANILKUMAR DAS'], ['ANILKUMMAR DAS', 'ANIL KUMAR DAS']]) accepts(a, b);
  });
  it('look-alike glyphs that the confusion list held backwards, and one read before the keys', () => {
    // o read as d, o read as c: listed, but never matched until now.
    accepts('RAMGOPAL DAS', 'RAMGDPAL DAS', 'TYPO');
    accepts('JOSEPH MATHEW', 'JCSEPH MATHEW', 'TYPO');
    // i read as l at the end, which the key would take for a dropped feminine -i (Anjal).
    accepts('ANJALI DAS', 'ANJALL DAS', 'TYPO');
    // Not against a name written in an Indian script: its reading is no scan, and v / y there
    // are two names (Priyan, Privan).
    refuses('PRIVAN', 'പ്രിയന്');
    refuses('ASHOK KUMAR', 'ASHDK KUMAR'); // five letters: too short to read a slip into
  });
  it('a title spelled with ee, or doubled or aspirated letters', () => {
    accepts('SHREEMATI SUNITA DEVI', 'SUNITA DEVI', 'HONORIFIC_REMOVED');
    accepts('SRIMATHI LAKSHMI R', 'LAKSHMI R', 'HONORIFIC_REMOVED');
    accepts('HAJJI ABDUL KAREEM', 'ABDUL KAREEM', 'HONORIFIC_REMOVED');
  });
  it('Sardar and Pandit written first are family names as often as titles', () => {
    accepts('GOPAL SARDAR', 'SARDAR GOPAL', 'TOKEN_ORDER');
    accepts('NIRAPADA PANDIT', 'PANDIT NIRAPADA', 'TOKEN_ORDER');
    accepts('PANDITH GOPAL', 'GOPAL PANDITH', 'TOKEN_ORDER'); // however the title is spelled
    accepts('SARDAR GOPAL SINGH', 'GOPAL SINGH', 'HONORIFIC_REMOVED');
    refuses('SARDAR GOPAL', 'GOPAL DAS');
  });
  it('the Bengali e for the i of an Arabic name\'s -ir, as before its other final consonants', () => {
    for (const [a, b] of [['ZAKER HOSSAIN', 'ZAKIR HOSSAIN'], ['TAHER ALI', 'TAHEER ALI'], ['TAHER ALI', 'TAAHIR ALI'],
      ['JABER MOLLA', 'JABIR MOLLA'], ['SHAKER ALI', 'SHAKIR ALI'], ['HAMED ALI', 'HAMID ALI']]) accepts(a, b);
    // Not where the -er may as well be the -ar of a name of its own (Sabar, Samar, Sagar, Kadar),
    // nor with another vowel apart (Kobeer is Kabir, not Kuber), nor in a family name of another
    // shape (Kher, Aher).
    for (const [a, b] of [['SABER ALI', 'SABIR ALI'], ['SAMER KHAN', 'SAMIR KHAN'], ['SAGER KUMAR', 'SAGIR KUMAR'],
      ['ABDUL KADER', 'ABDUL KADIR'], ['KOBEER DAS', 'KUBER DAS'], ['KARAM ALI', 'KARIM ALI'], ['RAHUL KHER', 'RAHUL KHIR'],
      ['RAHUL AHER', 'RAHUL AHIR']]) refuses(a, b);
  });
  it('Tamil spellings: -chamy for -samy, and the th of -endra after its n', () => {
    for (const [a, b] of [['PONNUSAMY K', 'PONNUCHAMY K'], ['VELUCHAMY S', 'VELUSWAMY S'], ['MAHENDRAN K', 'MAHENTHIRAN K'],
      ['RAJENDRAN P', 'RAJENTHRAN P'], ['K SURENTHIRAN', 'K SURENDRAN']]) accepts(a, b);
    refuses('CHAMY K', 'SAMY K'); // the ending only
    // Malayalam script writes its -chami (ച്ചാമി) as said: no Tamil letter to read either way.
    refuses('തിരുമലച്ചാമി', 'THIRUMALASWAMI');
  });
  it('Tamil g for k between vowels and after n, in words of seven letters or a final -ga', () => {
    for (const [a, b] of [['SUGUMAR K', 'SUKUMAR K'], ['SUGANYA R', 'SUKANYA R'], ['MALLIGA S', 'MALLIKA S'], ['RENUGA DEVI', 'RENUKA DEVI'],
      ['ILANGO K', 'ILANKO K']]) accepts(a, b);
    // Shorter words are two names.
    refuses('BHAGAT RAM', 'BHAKAT RAM');
    refuses('NAGESH RAO', 'NAKESH RAO');
    refuses('SANGRAM SINGH', 'SANKRAM SINGH'); // before a consonant: Sankram is another word
    refuses('SUKANTA DAS', 'SUGANTHA DAS'); // a Bengali man's name, a Tamil woman's
  });
  it('Tamil\'s first letter ai before its doubled y; Kerala\'s Varghese written -ees, and family names of Jharkhand and Assam', () => {
    for (const [a, b] of [['IYYAPPAN K', 'AIYAPPAN K'], ['IYYANAR R', 'AYYANAR R'], ['G IYAPAN', 'G AYYAPAN'],
      ['BABU VARGHESE', 'BABU VARGEES'], ['RAJU MUSHAHARY', 'RAJU MACHAHARY'],
      ['ABDUL RAHIMAN K', 'ABDUL RAHMAN K']]) accepts(a, b);
    refuses('ABDUL RAHIM K', 'ABDUL RAHIMAN K');
    // A short word: Iyad is an Arabic name of its own.
    refuses('IYAD KHAN', 'AYYAD KHAN');
  });
  it('the inherent a between two of one consonant, with another spelling', () => {
    accepts('DEBABRATA DAS', 'DEVBRATA DAS');
    refuses('CHITRARATHI K', 'CHITRATHI K'); // ra-ra: a name of its own
    refuses('PRABABATI DAS', 'PRABATI DAS'); // a syllable, not a vowel: two names
  });
  it('the vowel Tamil puts into a cluster before r, in words of six letters or more', () => {
    for (const [a, b] of [['PIRAKASH K', 'PRAKASH K'], ['THIRIPURA S', 'TRIPURA S'], ['RAJENDHIRAN P', 'RAJENDRAN P']]) accepts(a, b);
    refuses('SUNIL BIRAJ', 'SUNIL BRAJ');
    refuses('PURANLAL K', 'PRANLAL K'); // Puran and Pran are two names
    refuses('KIREETHI K', 'KRITHI K');
  });
  it('Tamil compound endings written two ways with the name before them written two ways too', () => {
    for (const [a, b] of [['MUNISAMY K', 'MUNUSWAMY K'], ['CHINNASWAMY R', 'CHINNUSAMY R'], ['AROGYASWAMI A', 'AROKIASAMI A'],
      ['MUNICHAMY S', 'MUNUSWAMY S'], ['SIVARAJU K', 'SHIVARAJ K'], ['GOVINDARAJU P', 'GOVINTHARAJ P'], ['NAGRAJ K', 'NAGARAJU K'],
      ['NARAYANSWAMY K', 'NARAYANASAMY K']]) accepts(a, b);
    // The ending is read as one, not the names before it: Muni and Manu stay two names.
    refuses('MUNISWAMY K', 'MANUSAMY K');
    // Tamil's -rasu is -raju's spelling, but the filings keep Thangarasu and Thangaraj apart.
    refuses('THANGARAJ K', 'THANGARASU K');
    // A short name before the ending: Sami and Swami, Raju and Raj alone are the rules' own.
    refuses('SWAMI NAIR', 'SAMI NAIR');
  });
  it('the final a of a man\'s -kumara, -natha, -rama, Narayana\'s and -eya, as Kannada and Odia spellings write them', () => {
    for (const [a, b] of [['K SHIVAKUMAR', 'K SHIVAKUMARA'], ['RAVIKUMARA H', 'RAVI KUMAR H'], ['TRINATH BEHERA', 'TRINATHA BEHERA'],
      ['SRINATHA K', 'SRINATH K'], ['CHANDRAKUMARA K', 'CHANDRAKUMARAN K']]) accepts(a, b);
    accepts('S JAYARAMA BHAT', 'S JAYARAM BHAT'); // the keys read Jairam: short
    // The keys read Narayan as Narain: short too. Narayani is the woman's name.
    for (const [a, b] of [['NARAYAN DAS', 'NARAYANA DAS'], ['NARAIN SAHU', 'NARAYANA SAHU'], ['SATYA NARAYAN ROUT', 'SATYA NARAYANA ROUT'],
      ['NARRAYAN DAS', 'NARAYANA DAS'], ['NARAYANA DAS', 'NARRAYAN DAS']]) accepts(a, b);
    refuses('NARAYAN DAS', 'NARAYANI DAS');
    // Other names in -ayan: a man's, their -ayana a woman's.
    refuses('NAYAN DAS', 'NAYANA DAS');
    refuses('UDAYAN DAS', 'UDAYANA DAS');
    refuses('SUNAYAN DAS', 'SUNAYANA DAS');
    // -eya, which the keys read as the -ey of Pandey; not -shreya, a woman's.
    for (const [a, b] of [['KARTIKEY SHARMA', 'KARTIKEYA SHARMA'], ['DATTATREY PATIL', 'DATTATREYA PATIL']]) accepts(a, b);
    refuses('SHREY SHARMA', 'SHREYA SHARMA');
    refuses('ANUSHREY SHARMA', 'ANUSHREYA SHARMA');
    refuses('PARAM K', 'PARAMA K'); // Parama, a woman's name
    refuses('VINATH K', 'VINATHA K'); // Vinata, a woman's name
    // The woman's names: -kumari, and the -a after another t (Amith / Amitha).
    refuses('RAJKUMARI K', 'RAJKUMARA K');
    refuses('AMITH K', 'AMITHA K');
    refuses('SUMIT SAHU', 'SUMITA SAHU');
  });
});

describe('names in Indian scripts against Latin letters', () => {
  it('Devanagari', () => {
    assert.equal(matchNames('राजेश कुमार शर्मा', 'Rajesh Kumar Sharma').result, 'DIRECT_MATCH');
    for (const [a, b] of [
      ['आनंद वर्मा', 'Anand Verma'], // the short a written e
      ['गुरप्रीत सिंह', 'Gurpreet Singh'], // the anusvara before h, a medial inherent vowel
      ['ज़ाकिर हुसैन', 'Zakir Hussain'], // nukta
      ['कृष्ण पांडे', 'Krishna Pandey'], // final a kept after a cluster; -ey
      ['अंशु मिश्रा', 'Amshu Mishra'],
      ['मुत्तु', 'Muthu'],
    ]) accepts(a, b);
    refuses('राजेश शर्मा', 'Ramesh Sharma', 'GIVEN_NAME_MISMATCH');
    refuses('सुनील वर्मा', 'Sunila Verma');
  });
  it('the Tamil th for a d between vowels, written in Latin letters', () => {
    for (const [a, b] of [['SADIK BASHA', 'SATHIK BASHA'], ['SRIDAR K', 'SRITHAR K'], ['VARADAN S', 'VARATHAN S'], ['MAJEED P', 'MAJEETH P']]) accepts(a, b);
    refuses('ANAND RAO', 'ANANTH RAO');
    refuses('ADITHI RAO', 'ATITHI RAO');
    // ...with the rest of the word spelled otherwise too: a long vowel, an aspirate.
    for (const [a, b] of [['BINOD DAS', 'BEENOTH DAS'], ['HAMEED K', 'HAMITH K'], ['BADAL ROY', 'BAATHAL ROY'], ['DIDAR SINGH', 'DHITHAR SINGH']]) accepts(a, b);
    refuses('SANNIDHI JOSHI', 'SANITHI JOSHI'); // not beside a doubling
  });
  it('the tch that Tamil spellings write for ksh, and the forms of the Sanskrit jn', () => {
    for (const [a, b] of [['MEENATCHI S', 'MEENAKSHI S'], ['KAMATCHI R', 'KAMAKSHI R'], ['LATCHUMI DEVI', 'LAKSHMI DEVI'], ['LATCHUMANAN K', 'LAKSHMANAN K']]) accepts(a, b);
    accepts('PITCHAI K', 'PICHAI K'); // the same letters for cch, as before
    for (const [a, b] of [['GNANASEKARAN M', 'GYANASEKARAN M'], ['JNANESH RAO', 'GYANESH RAO'], ['PRADNYA PATIL', 'PRAGYA PATIL'], ['PRAGNYA RAO', 'PRAGYA RAO'],
      ['DNYANESHWAR TALPADE', 'GYANESHWAR TALPADE'], ['YADNY REDDY', 'YADNYA REDDY'], ['VIDNYAN PATIL', 'VIGYAN PATIL']]) accepts(a, b);
    // Inside a word gn, gy and jn are as often letters of their own.
    refuses('AGNEYA RAO', 'AGYEYA RAO');
    refuses('RAJNI SHARMA', 'RAGNI SHARMA');
    // Marathi's dny written dy, in the dnyan- names; dya- is otherwise another word's.
    for (const [a, b] of [['DYANESHWAR TALPADE', 'DNYANESHWAR TALPADE'], ['DYANDEO PATIL', 'DNYANDEO PATIL'],
      ['DYANESHWAR TALPADE', 'DHYANESHWAR TALPADE']]) accepts(a, b, 'TRANSLITERATION'); // Dyan- is Dhyan- as well
    refuses('DYANA SHARMA', 'GYANA SHARMA');
  });
  it('an initial vocalic r written ru, as Marathi and Gujarati spellings do', () => {
    for (const [a, b] of [['RUTUJA PATIL', 'RITUJA PATIL'], ['RUSHABH SHAH', 'RISHABH SHAH'], ['RUCHA JOSHI', 'RICHA JOSHI'], ['RUTVIK DESAI', 'RITVIK DESAI']]) accepts(a, b, 'TRANSLITERATION');
    // Elsewhere an initial ru makes other names.
    refuses('RUPA DAS', 'RIPA DAS');
    refuses('RUNA DAS', 'RINA DAS');
    refuses('RUMA SEN', 'RIMA SEN');
  });
  it('the Bengali o after -ndr (Robindro, Narendro)', () => {
    for (const [a, b] of [['ROBINDRO NATH DAS', 'RABINDRA NATH DAS'], ['NARENDRO ROY', 'NARENDRA ROY'], ['CHANDRO SEKHAR PAL', 'CHANDRA SEKHAR PAL']]) accepts(a, b, 'TRANSLITERATION');
  });
  it('the Telugu and Tamil -am of a long name', () => {
    accepts('LAKSHMI NARASIMHAM', 'LAKSHMI NARASIMHA', 'TRANSLITERATION');
    accepts('RAMALINGAM K', 'RAMALINGA K', 'TRANSLITERATION');
    // Or after the name's last consonant, in a long name, that name spelled otherwise too.
    for (const [a, b] of [['O RAJAGOPALAM', 'O RAJAGOPAL'], ['S RANGANATHAM', 'S RANGANATH'], ['JAGANNADHAM K', 'JAGANNATH K'],
      ['VISWANADHAM K', 'VISHWANATH K'], ['SUDARSANAM K', 'SUDHARSHAN K'], ['JAGANNADHAM K', 'JAGANNATHA K']]) accepts(a, b, 'TRANSLITERATION');
    // As the rules read the stems: no surer than they are.
    assert.equal(matchNames('SUDHARSANAM K', 'SUTHARSAN K').score, matchNames('SUDHARSAN K', 'SUTHARSAN K').score);
    refuses('SHIVAM SHARMA', 'SHIVA SHARMA');
    refuses('SANTHANAM K', 'SANTHAN K');
    // Only after the endings of men's names that take it: Ponnambal is a woman's name, Suryakantham
    // a Telugu woman's.
    refuses('PONNAMBAL K', 'PONNAMBALAM K');
    refuses('SURYAKANTH K', 'SURYAKANTHAM K');
  });
  it('the Malayalam nj written nh', () => {
    for (const [a, b] of [['KUNHI KRISHNAN', 'KUNJI KRISHNAN'], ['KUNHAMMED K', 'KUNJAMMED K'], ['KUNHIKANNAN P', 'KUNJIKANNAN P']]) accepts(a, b);
    refuses('SANHITA DAS', 'SANJITA DAS'); // only in the kunh- of Malayalam names
  });
  it('the Gujarati -sinh for Singh', () => {
    accepts('MAHENDRASINH JADEJA', 'MAHENDRA SINGH JADEJA');
    accepts('PRADIPSINH ZALA', 'PRADEEPSINGH ZALA');
    refuses('RAJ SINGH', 'RAJ SINHA', 'SURNAME_MISMATCH');
  });
  it('the Bengali family names in their English forms, and Arabic names as Bengal writes them', () => {
    accepts('ANWAR HUQ', 'ANWAR HAQUE', 'TRANSLITERATION');
    accepts('ANOWARA BEGUM', 'ANWARA BEGUM', 'TRANSLITERATION');
    for (const [a, b] of [['AMIT BANDYOPADHYAY', 'AMIT BANERJEE'], ['ANIL MUKHOPADHYAY', 'ANIL MUKHERJEE'], ['S CHATTOPADHYAY', 'S CHATTERJEE'], ['SOURAV GANGOPADHYAY', 'SOURAV GANGULY'], ['RINA SIRCAR', 'RINA SARKAR'], ['DIPAK ACHARJEE', 'DIPAK ACHARYA'], ['RATAN BHUYAN', 'RATAN BHUIYAN'], ['TAPAS GAYEN', 'TAPAS GAIN']]) accepts(a, b, 'TRANSLITERATION');
  });
  it('the Tamil th for an initial d, and the ch of selvam', () => {
    for (const [a, b] of [['THURAISAMY K', 'DURAISAMY K'], ['THEEPAK R', 'DEEPAK R'], ['THAMODHARAN K', 'DAMODARAN K'], ['THEIVANAI M', 'DEIVANAI M']]) accepts(a, b, 'TRANSLITERATION');
    for (const [a, b] of [['ANBUCHELVAN K', 'ANBUSELVAN K'], ['CHELVI RAJAN', 'SELVI RAJAN'], ['TAMILCHELVAN R', 'TAMILSELVAN R']]) accepts(a, b, 'TRANSLITERATION');
    // Shorter names with th and d are other names (Thara / Dara).
    refuses('THARA NAIR', 'DARA NAIR');
    refuses('THANA DAS', 'DANA DAS');
  });
  it('Arabic names in -ul and -ur as Bengal and Assam write their vowels', () => {
    for (const [a, b] of [['JAHIRUL ISLAM', 'JEHERUL ISLAM'], ['MONSUR ALI', 'MANSOOR ALI'], ['MUJIBUR RAHMAN', 'MAZIBUR RAHMAN'], ['MUKLESUR RAHMAN', 'MAKLISUR RAHMAN']]) accepts(a, b, 'TRANSLITERATION');
    refuses('NAJIMUL HAQUE', 'NIZAMUL HAQUE'); // an i against an a: another root
    refuses('RAHUL DAS', 'RUHUL DAS'); // short: two names
    refuses('AMINUL ISLAM', 'MAINUL ISLAM'); // not the same letters in place
    refuses('MARIYAMOL K', 'MERIMOL K'); // the Malayalam -mol of girls' names
  });
  it('the w of Arabic and Persian names as Bengali writes it after a consonant, owa', () => {
    for (const [a, b] of [['SAROWAR HOSSAIN', 'SARWAR HOSSAIN'], ['MONOWAR ALI', 'MONWAR ALI'], ['REZOWAN AHMED', 'REZWAN AHMED'],
      ['GOLAM SAROWAR', 'GOLAM SARWAR']]) accepts(a, b, 'TRANSLITERATION');
    // Not oa, a long o as often (Soani is Soni); not at the start, nor after b or bh, where the
    // keys would lose the syllable.
    for (const [a, b] of [['RAHUL SOANI', 'RAHUL SWANI'], ['RAHUL OWAIS', 'RAHUL VAISH'], ['RAHUL BOWAL', 'RAHUL BAL'],
      ['RAHUL BHOWAL', 'RAHUL BAL'], ['RAHUL BHOWANI', 'RAHUL BANI']]) refuses(a, b);
  });
  it('the Punjabi and Haryanvi par- for the pr- of Sanskrit names', () => {
    for (const [a, b] of [['OM PARKASH', 'OM PRAKASH'], ['RAM PARTAP SINGH', 'RAM PRATAP SINGH'], ['PARDEEP KUMAR', 'PRADEEP KUMAR'],
      ['PARHLAD SINGH', 'PRAHLAD SINGH'], ['PARBHA DEVI', 'PRABHA DEVI']]) accepts(a, b, 'TRANSLITERATION');
    // A spelling, not a slip: with a family name missing too it stays GOOD (a slip made it 83).
    accepts('OM PARKASH', 'OM PRAKASH GUPTA', 'MISSING_TOKEN');
    accepts('SURINDER PARTAP SINGH', 'SURINDER PRATAP', 'MISSING_TOKEN');
    // Other letters after par- make names of their own, which stay the slips they were (two letters
    // swapped) and, with another word missing, refused: v, w, a bare b (eastern spellings write
    // them for v and bh: Parvat / Pravat, the Odia Prabhat; Parbati / Prabhati; Parbin / Prabin),
    // m, n, s (Parmeet / Pramit, Parneet / Praneet, Parsai / Prasai), a vowel (Paramesh), th
    // (Parthipan / Prathipan), a stop's h on one side only (Parkar / Prakhar).
    for (const [a, b] of [['PARMEET BEDI', 'PRAMIT BEDI'], ['PARVATI DAS', 'PRABHATI DAS'], ['PARVEEN KUMAR', 'PRAVEEN KUMAR'], ['PARTH DAS', 'PRATH DAS']]) {
      assert.ok(codes(matchNames(a, b)).includes('TYPO'), `${a} | ${b}: ${matchNames(a, b).reason}`);
    }
    refuses('PARAMESH KUMAR', 'PRAMESH KUMAR');
    for (const [a, b] of [['PRAVAT KUMAR', 'PARVAT KUMAR SAHOO'], ['PARWATI DEVI', 'PRABHATI DEVI SAHU'], ['PARBATI DEVI', 'PRABHATI DEVI SAHU'],
      ['PARBIN BEGUM', 'PRABIN BEGUM KHAN'], ['PARNEET KAUR', 'PRANEET KAUR SANDHU'], ['ASHOK PARSAI', 'ASHOK PRASAI SHAH'],
      ['PARAMESH KUMAR', 'PRAAMESH KUMAR SAHU'], ['PARTHIPAN SHAH', 'SHAH PRATHIPAN KUMAR'], ['ANIL PARKAR', 'ANIL PRAKHAR SINGH']]) refuses(a, b);
  });
  it('the g that spellings from Tamil script write for the h of maha- and sahaya-', () => {
    for (const [a, b] of [['MAHENDRAN R', 'MAGENDRAN R'], ['SAHAYARAJ A', 'SAGAYARAJ A'], ['MAHALINGAM K', 'MAGALINGAM K'],
      ['P MAHESWARAN', 'P MAGESWARAN'], ['ANTONY SAHAYAM', 'ANTONY SAGAYAM'], ['DEVASAHAYAM R', 'DEVASAGAYAM R']]) accepts(a, b, 'TRANSLITERATION');
    // Elsewhere an h against a g makes other names, as it does in mahan- and in short words (the
    // filings spell Mahesh and Magesh apart), a joined -kumar not counted.
    for (const [a, b] of [['VAHINI R', 'BHAGINI R'], ['SRIHITHA R', 'SRIGEETHA R'], ['MEHARAJ R', 'MEGARAJ R'],
      ['RAVI MAHANTI', 'RAVI MAGANTI'], ['RAVI PAHARIYA', 'RAVI PAGARIYA'], ['JAHAN ALI', 'JAGAN ALI'], ['MAHESH R', 'MAGESH R'],
      ['MAHESHKUMAR R', 'MAGESHKUMAR R']]) refuses(a, b);
  });
  it('the Bengali b for v in a short given name, and the w of Arabic names apart from b', () => {
    // With the Bengali o of -oy too: the first letters were asked as written.
    for (const [a, b] of [['BIJOY DAS', 'VIJAY DAS'], ['BINOY KUMAR', 'VINAY KUMAR'], ['BIMOL DAS', 'VIMAL DAS']]) accepts(a, b, 'TRANSLITERATION');
    // Only in a Bengali spelling, with its o (the Tamil Barath is no Varad); not with an o for
    // the first vowel, nor in four letters; not an initial w against the b.
    for (const [a, b] of [['BARATH DAS', 'VARAD DAS'], ['VARAH DAS', 'BORAH DAS'], ['BONOY DAS', 'VANAY DAS'], ['VARA DAS', 'BARO DAS'],
      ['BIJOY DAS', 'WIJAY DAS']]) refuses(a, b);
    // Bengali writes the w of Arabic names otherwise: two given names, a slip in a family name.
    refuses('WASIM KHAN', 'BASIM KHAN');
    refuses('WISAL KHAN', 'BISHAL KHAN');
    accepts('SHAFIQUR RAHMAN BARQ', 'SHAFIQUR RAHMAN WARQ', 'TYPO');
    accepts('WASANT PATIL', 'VASANT PATIL', 'TRANSLITERATION'); // the Marathi w for v
  });
  it('the Bengali d of an initial dw', () => {
    for (const [a, b] of [['DWIP SANKAR PAL', 'DIP SANKAR PAL'], ['DWIJEN BORA', 'DIJEN BORA'], ['DWIPEN DAS', 'DIPEN DAS']]) accepts(a, b, 'TRANSLITERATION');
    // The feminine of the name it folds to stays another name.
    refuses('DWIP DAS', 'DIPA DAS');
    // Not against the dh the keys read as d (Dwani, Dhwani's spelling, is no Dhani), nor in a short
    // word ending in a vowel (Dwiti / Diti, two girls' names).
    refuses('DWANI DAS', 'DHANI DAS');
    refuses('DWIRAJ DAS', 'DHIRAJ DAS');
    refuses('DWITI DAS', 'DITI DAS');
    refuses('DWIPAYAN DAS', 'DIPAYAN DAS'); // Dwaipayan's spelling against another name
    refuses('DWIPAYON DAS', 'DIPAYON DAS');
  });
  it('the ra said once where -ra meets ra- in a long Tamil or Telugu name', () => {
    for (const [a, b] of [['SUNDARARAJAN N', 'SUNDARAJAN N'], ['VEERARAGHAVAN K', 'VEERAGHAVAN K'], ['BHASKARARAO P', 'BHASKARAO P']]) accepts(a, b, 'TRANSLITERATION');
    refuses('CHITRARATHI DAS', 'CHITRATHI DAS'); // not after a consonant: Chitra-rathi
  });
  it('the ai of ai-matra names written e', () => {
    for (const [a, b] of [['KAILASH NATH', 'KELASH NATH'], ['SHAILJA KUMARI', 'SELJA KUMARI'], ['RAM JAISWAL', 'RAM JESWAL'],
      ['ZAINAB BIBI', 'ZENAB BIBI'], ['SHAILESH KUMAR', 'SHELESH KUMAR']]) accepts(a, b, 'TRANSLITERATION');
    accepts('HUMAIRA KHAN', 'HUMERA KHAN', 'TRANSLITERATION');
    accepts('ZUBAIR AHMED', 'ZUBER AHMED', 'TRANSLITERATION');
    // Not in a word under five letters as the keys count them, where the e-spelling is another
    // name (Jena, Rema, Shera; Umair is no Umar, which Kerala writes Ummer); not before r as the
    // first vowel (Khaira / Khera, two Punjabi families); not a final -aik or -rain (Baraik,
    // Narain); not with a th on one side only (जैत / जेठ); not Chaitan, whose e-spelling is
    // Chetan, another name.
    for (const [a, b] of [['JAINA DAS', 'JENA DAS'], ['JAINA DAS', 'JENNA DAS'], ['RAIMA KHAN', 'REMA KHAN'], ['SAIRA KHAN', 'SHERA KHAN'],
      ['RAVI SINGH KHAIRA', 'RAVI SINGH KHERA'], ['SAIRAJ PATIL', 'SERAJ PATIL'], ['UMAIR P', 'UMMER P'], ['LAKSHMI BARAIK', 'LAKSHMI BAREK'],
      ['RAM NARAIN', 'RAM NAREN'], ['JAITMAL JAIN', 'JETHMAL JAIN'], ['CHAITAN DAS', 'CHETAN DAS']]) refuses(a, b);
  });
  it('the Bengali o with the final a written on one side only', () => {
    accepts('PRASANTA DAS', 'PROSANT DAS');
    accepts('GOBINDA PAL', 'GOBIND PAL');
    refuses('KAMALA DAS', 'KOMOL DAS'); // the feminine -a stays another name
    refuses('SUJANA DAS', 'SUJON DAS');
  });
  it('deo for dev and sheo for shiv, as Hindi-belt records write them', () => {
    for (const [a, b] of [['BALDEO PRASAD', 'BALDEV PRASAD'], ['SUKHDEO SINGH', 'SUKHDEV SINGH'], ['DEOKI NANDAN', 'DEVKI NANDAN'], ['AJOY DEO', 'AJOY DEB'],
      ['SHEO KUMAR', 'SHIV KUMAR'], ['SHEONATH SINGH', 'SHIVNATH SINGH'], ['SHIO KUMAR KHATIK', 'SHIV KUMAR KHATIK']]) accepts(a, b, 'TRANSLITERATION');
    refuses('SHEO KUMAR', 'SHEKHAR KUMAR');
    refuses('DEORA RAM', 'DEVI RAM');
    // With the masculine's -a on the other side; a feminine stays another name.
    for (const [a, b] of [['MAHADEO PATIL', 'MAHADEVA PATIL'], ['VASUDEO RAO', 'VASUDEVA RAO'], ['SHEO PRASAD', 'SHIVA PRASAD'], ['SHIO KUMAR KHATIK', 'SIVA KUMAR KHATIK']]) {
      accepts(a, b, 'TRANSLITERATION');
    }
    refuses('MAHADEO PATIL', 'MAHADEVI PATIL');
    refuses('SHEO VERMA', 'SHIVANI VERMA');
    // A deo or sheo with a letter or two after it is a word of its own: Deol, a Punjabi clan, is no
    // Deval; Sheoli (শিউলি) no Shivali.
    refuses('SUNNY DEOL', 'SUNNY DEVAL');
    refuses('SHEOLI BANERJEE', 'SHIVALI BANERJEE');
  });
  it('a spelling fold with the rules on the rest of the word, through their middle spelling', () => {
    // Daev / Dev / Deva (ae for e, the masculine's -a), Dharmsingh / Dharmsinh / Dharmasinh (the
    // Gujarati -sinh, the inner a), Sundaraja / Sundaraj / Sundararaj (ra once, the final a).
    for (const [a, b] of [['DAEV MISHRA', 'DEVA MISHRA'], ['DHARMSINGH DESAI', 'DHARMASINH DESAI'], ['SUNDARAJA N', 'SUNDARARAJ N']]) accepts(a, b);
    // Not the Tamil -rasu read as -raju, which meets another name's -raj.
    refuses('THANGARASU K', 'THANGARAJ K');
  });
  it('the u that South Indian spellings put after a final consonant', () => {
    for (const [a, b] of [['THOMAS PANDEY', 'THOMASU PANDEY'], ['PRADEEP K', 'PRADEEPU K'], ['MAJEED P', 'MAJEEDU P'], ['GOVINDARAJ K', 'GOVINDARAJU K']]) accepts(a, b, 'TRANSLITERATION');
    refuses('KRISHAN LAL', 'KRISHANU LAL'); // Krishanu is a name of its own
    refuses('SURYANSH SINGH', 'SURYANSHU SINGH');
    refuses('RAJ KUMAR', 'RAJU KUMAR'); // short: Raju is a name
  });
  it('the ae that typists write for e', () => {
    for (const [a, b] of [['DAEVI PRASAD', 'DEVI PRASAD'], ['DHINAESH KUMAR', 'DINESH KUMAR'], ['AEKTA SHAH', 'EKTA SHAH'], ['EDI PANDEY', 'AEDEE PANDEY']]) accepts(a, b, 'TRANSLITERATION');
    refuses('NAEEMA KHAN', 'NEEMA KHAN'); // the a of its own before ee
  });
  it('the Tamil mb for mp, and th for an initial d, by the rules alone', () => {
    holdOutAttested(ATTESTED.split('\n'));
    try {
      for (const [a, b] of [['NAMPI K', 'NAMBI K'], ['PONNAMPALAM S', 'PONNAMBALAM S'], ['AMPAR SINGH', 'AMBAR SINGH'],
        ['THIVYA K', 'DIVYA K'], ['THURGA DEVI', 'DURGA DEVI'], ['THEEPA SHARMA', 'DEEPA SHARMA'], ['THILIP KUMAR', 'DILIP KUMAR']]) accepts(a, b, 'TRANSLITERATION');
      refuses('DHARA PATEL', 'TARA PATEL'); // t is another letter
      refuses('ANKUR SHARMA', 'ANGUR SHARMA'); // nk / ng is as often two names
      refuses('MANDIRA DAS', 'MADIRA DAS'); // a nasal dropped: two names
    } finally {
      holdOutAttested([]);
    }
  });
  it('the Bengali o for the a before a first syllable\'s y, and Ghose', () => {
    for (const [a, b] of [['JOYANTA DAS', 'JAYANTA DAS'], ['JOYASHREE PAL', 'JAYASHREE PAL'], ['JOYANTI ROY', 'JAYANTI ROY'], ['SUBHAS GHOSE', 'SUBHAS GHOSH']]) accepts(a, b, 'TRANSLITERATION');
    // Beside the glide in later syllables too, as the keys read the o elsewhere (Sudipto / Sudipta).
    for (const [a, b] of [['JOYONTO DAS', 'JAYANTA DAS'], ['NAYON DEY', 'NAYAN DEY'], ['SUPRIYO MITRA', 'SUPRIYA MITRA'],
      ['PRIYOTOSH SEN', 'PRIYATOSH SEN']]) accepts(a, b, 'TRANSLITERATION');
    refuses('JOYONTO DAS', 'JAYANTI DAS'); // a feminine stays apart
  });
  it('the Tamil -aharan for -akaran and s for the ch of chell- and chinn-, by the rules alone', () => {
    holdOutAttested(ATTESTED.split('\n'));
    try {
      for (const [a, b] of [['PRABHAKARAN A', 'PRABAHARAN A'], ['SUDHAKARAN K', 'SUDHAHARAN K'], ['CHELLAPPAN M', 'SELLAPPAN M'],
        ['CHINNASAMY R', 'SINNASAMY R'], ['K CHELLADURAI', 'K SELLADURAI'], ['K MANOHARAN', 'K MANOKARAN']]) accepts(a, b, 'TRANSLITERATION');
      refuses('MALIKA SHARMA', 'MALIHA SHARMA'); // a k for an h elsewhere: two names
      refuses('CHINTU DAS', 'SINTU DAS'); // an initial ch for s elsewhere: two names
      for (const [a, b] of [['RAJU ANTONY', 'RASU ANTONY'], ['SELVARAJU K', 'SELVARASU K']]) accepts(a, b, 'TRANSLITERATION');
      refuses('SURAJA DEVI', 'SURASA DEVI'); // s for j inside a word: two names
    } finally {
      holdOutAttested([]);
    }
  });
  it('the i Tamil script writes before an initial r or l, by the rules alone', () => {
    holdOutAttested(ATTESTED.split('\n'));
    try {
      for (const [a, b] of [['IRANJITH NAIR', 'RANJIT NAIR'], ['IRAMALINGAM K', 'RAMALINGAM K'], ['S IRAJENDRAN', 'S RAJENDRAN'],
        ['ILAKSHMANAN P', 'LAKSHMANAN P']]) accepts(a, b, 'TRANSLITERATION');
      // The rest must be the other name: Iranjith is not Ranjan.
      refuses('IRANJITH NAIR', 'RANJAN NAIR');
      // A given name under six letters is still asked its first letter.
      refuses('IRAVI KUMAR', 'RAVI KUMAR');
      refuses('IRAMAN K', 'RAMAN K');
      // The i on both sides, or on neither: the keys decide as ever.
      refuses('IRANI SHARMA', 'IRENE SHARMA');
    } finally {
      holdOutAttested([]);
    }
  });
  it('Arabic names in the spellings of Bengal and Kerala filings', () => {
    for (const [a, b] of [['YASMIN KHATUN', 'YEASMIN KHATUN'], ['YASMIN KHATUN', 'JESMIN KHATUN'], ['YUNUS MALLICK', 'EUNUS MALLICK'],
      ['AMINA KHATUN', 'AMENA KHATUN'], ['NASIR UDDIN', 'NASER UDDIN'], ['MOZAMMEL HOQUE', 'MUZAMMIL HOQUE'], ['SOHEL RANA', 'SUHAIL RANA'],
      ['RABEYA KHATUN', 'RABIA KHATUN'], ['OSMAN GANI', 'USMAN GANI'], ['SAINUDHEEN K', 'ZAINUDDIN K'], ['SUBAIDA K', 'ZUBAIDA K'],
      ['MOIDEEN KUTTY', 'MOHIUDDIN KUTTY'], ['SWAPAN DAS', 'SHOPON DAS']]) accepts(a, b, 'TRANSLITERATION');
    refuses('ZAKIR HUSSAIN', 'SHAKIR HUSSAIN'); // ذاكر and شاكر: two names
    refuses('FAIZAL THAKUR', 'FAISAL THAKUR'); // Hindi writes them apart
    refuses('UMAR KHAN', 'AMAR KHAN');
  });
  it('family names of Bengal, Assam and Tamil Nadu in the spellings filings give them', () => {
    for (const [a, b] of [['RANJIT MAJHI', 'RANJIT MANJHI'], ['KAMAL CHANDRA DOLUI', 'KAMAL CHANDRA DOLOI'], ['SUBAL BHUNIA', 'SUBAL BHUIYAN'],
      ['DIPAK GOHAIN', 'DIPAK GOHAI'], ['JUGAL HANDIQUE', 'JUGAL HANDIQUI'], ['RATNESWAR MUSHAHARY', 'RATNESWAR MOCHAHARY'],
      ['MURUGAN GOUNDER', 'MURUGAN KOUNDER'], ['SELVAM UDAYAR', 'SELVAM ODAYAR']]) accepts(a, b, 'TRANSLITERATION');
  });
  it('the article of names joined to Rahman, written -ar or -or', () => {
    for (const [a, b] of [['AZIZUR RAHMAN', 'AZIZAR RAHMAN'], ['MD MATIUR RAHMAN', 'MD MATIAR RAHMAN'], ['LUTFUR RAHMAN', 'LUTFAR RAHMAN'],
      ['SAFIUR RAHAMAN', 'SAFIOR RAHMAN'], ['OLIUR RAHMAN', 'OLIOUR RAHMAN'], ['HABIBUR RAHIM', 'HABIBAR RAHIM']]) accepts(a, b, 'TRANSLITERATION');
    // Elsewhere -ar and -ul end names of their own.
    refuses('FAIZUL HAQUE', 'FAIZAL HAQUE');
    refuses('MOTIUR RAHMAN', 'MOMINUR RAHMAN');
  });
  it('Iyer, Upadhyaya and Brij in the spellings records give them', () => {
    for (const [a, b] of [['K R AIYAR', 'K R IYER'], ['S AYYAR', 'S IYER'], ['MANOJ UPADHYAYA', 'MANOJ UPADHYAY'], ['BRIJ MOHAN', 'BRAJ MOHAN']]) accepts(a, b, 'TRANSLITERATION');
    refuses('S AYYANAR', 'S IYER');
  });
  it('Kishan, the everyday Hindi form of Krishan', () => {
    for (const [a, b] of [['KISHAN LAL', 'KRISHAN LAL'], ['RADHA KISHEN', 'RADHA KRISHAN'], ['KISHAN KUMAR', 'KRISHAN KUMAR SHARMA']]) accepts(a, b, 'TRANSLITERATION');
    refuses('SMT KRISHNA SHARMA', 'KISHAN SHARMA'); // Krishna is a woman's name too
  });
  it('Dyal and Dial, Punjabi records\' Dayal', () => {
    for (const [a, b] of [['DYAL SINGH', 'DAYAL SINGH'], ['SHANKAR DIAL SINGH', 'SHANKAR DAYAL SINGH']]) accepts(a, b, 'TRANSLITERATION');
    refuses('DIYA SINGH', 'DAYA SINGH');
  });
  it('Bishow, the Assamese filings\' Biswa', () => {
    for (const [a, b] of [['BISHOW TANTI', 'BISWA TANTI'], ['HIMANTA BISWA SARMA', 'HIMANTA BISHOW SARMA'], ['BISHOW TANTI', 'BISHWO TANTI']]) accepts(a, b, 'TRANSLITERATION');
    refuses('BISHOW TANTI', 'BISHNU TANTI');
  });
  it('Chintaman, Ganpat, Bhupat, Shripat: the Marathi forms of Chintamani, Ganpati, Bhupati, Shripati', () => {
    for (const [a, b] of [['SURESH CHINTAMAN PATIL', 'SURESH CHINTAMANI PATIL'], ['SURESH GANPAT PATIL', 'SURESH GANPATI PATIL'],
      ['BHUPAT SINGH', 'BHUPATI SINGH'], ['SHINDE ANIL SHRIPATRAO', 'SHINDE ANIL SHRIPATI']]) accepts(a, b, 'TRANSLITERATION');
    refuses('CHINTAMAN PATIL', 'CHINTAMANI SHINDE');
    // -pati is no rule: Hindi-belt women's names end so (Dhanpati, Rampati), and Tapati is one.
    refuses('DHANPAT RAI', 'DHANPATI RAI');
    refuses('RAMPATRAO JADHAV', 'RAMPATI JADHAV');
    refuses('TAPAT DAS', 'TAPATI DAS');
  });
  it('Kushwaha, Vajpayee and Iyengar in the spellings records give them', () => {
    for (const [a, b] of [['RAM KUSHWAHA', 'RAM KUSHWAH'], ['ATUL VAJPAYEE', 'ATUL BAJPAI'], ['S IYENGAR', 'S AYYANGAR']]) accepts(a, b, 'TRANSLITERATION');
    refuses('RAM KUSHWAHA', 'RAM KASHYAP');
  });
  it('Tamil, whose letters do not tell k from g, t from d, p from b', () => {
    for (const [a, b] of [
      ['முருகன்', 'Murugan'], ['செந்தில் குமார்', 'Senthil Kumar'], ['கிருஷ்ணன்', 'Krishnan'], ['லட்சுமி', 'Lakshmi'],
      ['சந்திரன்', 'Chandran'], ['கோபால்', 'Gopal'], ['வெங்கடேஷ்', 'Venkatesh'], ['முத்து', 'Muthu'], ['பிரகாஷ் ராஜ்', 'Prakash Raj'],
    ]) accepts(a, b);
    refuses('ராஜேஷ்', 'Ramesh');
    refuses('ராமன்', 'Ravan');
    refuses('முருகன்', 'Mohan');
  });
  it('Malayalam, read as Kerala writes its names in Latin letters', () => {
    for (const [a, b] of [
      ['കുഞ്ഞികണ്ണൻ', 'Kunjikannan'], ['കുഞ്ഞികണ്ണൻ', 'Kunhikannan'], // ഞ്ഞ: nj or nh
      ['മണങ്ങാട്ട്', 'Manangatt'], // ങ്ങ: ng
      ['ബെസന്റ്', 'Besant'], ['റിറ്റാമ്മ', 'Rittamma'], // ന്റ: nt, റ്റ: tt
      ['ആണ്ടി', 'Andi'], ['വടകര', 'Vadakara'], // ണ്ട: nd; a lone ട between vowels: d
      ['സൈലം', 'Sailam'], // a final anusvara: m
      ['അനന്തൻ', 'Ananthan'], ['അനന്തൻ', 'Anandan'], ['കോലമ്പൻ', 'Kolamban'], ['കോലമ്പൻ', 'Kolampan'], // after a nasal, either
      ['ഈശ്വരി', 'Easwari'], // the Kerala ea for an initial long i
      ['പുത്ത൯', 'Puthan'], // the digit nine that older text writes for the chillu n
    ]) accepts(a, b);
    refuses('അനന്തൻ', 'Anandu');
    refuses('സൈലം', 'Sailaja');
    refuses('കുഞ്ഞികണ്ണൻ', 'Kunjiraman');
    refuses('ആണ്ടി', 'Anji'); // another consonant, not the voicing of one
  });
  it('Telugu, Kannada, Malayalam, Bengali, Gujarati and Gurmukhi through the same tables', () => {
    for (const [a, b] of [
      ['శ్రీనివాస్ రెడ్డి', 'Srinivas Reddy'], ['లక్ష్మి', 'Lakshmi'], ['ಸುರೇಶ್', 'Suresh'], ['അനിൽ', 'Anil'],
      ['সুভাষ দাস', 'Subhash Das'], ['ગીતા', 'Geeta'], ['ਗੁਰਪ੍ਰੀਤ', 'Gurpreet'],
    ]) accepts(a, b);
    refuses('శ్రీనివాస్ రెడ్డి', 'Srinivas Rao');
  });
  it('Bengali and Assamese letters: the khanda ta, the Assamese ra and wa, and what the script leaves open', () => {
    for (const [a, b] of [
      ['বিশ্বজিৎ দাস', 'Biswajit Das'], // ৎ: a final t
      ['সুৰেশ বৰুৱা', 'Suresh Barua'], ['সুৰেশ বৰুৱা', 'Suresh Baruah'], ['তৰুণ গগৈ', 'Tarun Gogoi'], // ৰ, ৱ; ৈ as oi
      ['গোলক', 'Golok'], ['মতিউর রহমান', 'Motiur Rahman'], ['সুব্রত', 'Subroto'], // the inherent vowel as o
      ['রবিন', 'Robin'], ['প্রবীণ', 'Probin'], ['যমুনা', 'Jamuna'], // ব as b, an initial য as j
      ['রামকৃষ্ণ', 'Ramkrishna'], ['रामकृष्ण', 'Ramkrishna'], // a medial inherent vowel left out
    ]) accepts(a, b, 'TRANSLITERATION');
    // Letters sanscript passes through, which broke the word: ৎ, and the chandrabindu (~).
    for (const [a, b] of [['উৎপল', 'Utpal'], ['चाँद', 'Chand'], ['চাঁদ', 'Chand']]) assert.equal(matchNames(a, b).result, 'DIRECT_MATCH', `${a} | ${b}`);
    // What the script writes still parts names: a long a (Kamal / Kamala, the feminine), an o
    // that is a vowel sign, a first syllable's vowel.
    refuses('कमल', 'Kamala', 'GENDER_VARIANT');
    refuses('सुब्रत', 'Subrata', 'GENDER_VARIANT');
    refuses('परमा', 'Prema');
    refuses('কমল দাস', 'Kmal Das');
    refuses('অমল', 'Kamal');
  });
  it('Bengali spellings of Arabic and Persian names, English surnames and initials written as letter names', () => {
    for (const [a, b] of [
      ['আজহার আলী', 'Azhar Ali'], ['যাকির হোসেন', 'Zakir Hossain'], ['হাছান মাহমুদ', 'Hasan Mahmud'], // জ and য as z, ছ as s
      ['আনোয়ার হোসেন', 'Anwar Hossain'], ['মনোয়ার হোসেন', 'Monowar Hossain'], ['শওকত আলী', 'Shawkat Ali'], // ও and য় as w
      ['দেওয়ান ফরিদ', 'Dewan Farid'], ['আবদুল ওয়াহাব', 'Abdul Wahab'], ['রাম চন্দ্র পাসোয়ান', 'Ram Chandra Paswan'],
      ['ফরিদা ইয়াসমিন', 'Farida Yasmin'], ['সেলিম ইউসুফ', 'Selim Yusuf'], // a first ই before য় or উ
      ['সুকুমার বড়ুয়া', 'Sukumar Barua'], ['অনির্বাণ লাহিড়ী', 'Anirban Lahiri'], // ড় as r
      ['মনোরঞ্জন রায়', 'Manoranjan Roy'], ['বিমল গুহ', 'Bimal Guha'], ['সুব্রত রায়', 'Subrata Roy'], // Roy; a final a said
      ['এ কে এম শাহজাহান কামাল', 'A K M Shahjahan Kamal'], ['এম এ আউয়াল', 'M A Awal'], ['एम एस धोनी', 'M S Dhoni'],
      ['মমতাজ বেগম', 'Mumtaz Begum'], // the nearest spelling: Momtaz (o for u) before Mamtaz
    ]) accepts(a, b);
    // A final a after a plain syllable is still the feminine; the letter names only as whole words.
    refuses('অমিত রায়', 'Amita Roy', 'GENDER_VARIANT');
    refuses('কমল দাস', 'Kamala Das', 'GENDER_VARIANT');
    refuses('এমন দাস', 'M Das');
    accepts('राम जी लाल', 'Ram Ji Lal'); // जी is a word of Hindi names, not G
  });
  it('is symmetric and scores the same script on both sides as usual', () => {
    for (const [a, b] of [['राजेश शर्मा', 'Rajesh Sharma'], ['முருகன்', 'Murugan'], ['ராஜேஷ்', 'Ramesh']]) {
      assert.deepEqual(matchNames(a, b), matchNames(b, a));
    }
    assert.equal(matchNames('राजेश शर्मा', 'राजेश शर्मा').score, 100);
    assert.equal(matchNames('முருகன்', 'முருகன்').score, 100);
  });
});

describe('bands', () => {
  it('defaults are the Cashfree bands', () => {
    assert.deepEqual({ ...DEFAULT_BANDS }, { direct: 100, good: 85, moderate: 60, poor: 34 });
  });
  it('classify at the band edges', () => {
    const cases: [number, string][] = [
      [100, 'DIRECT_MATCH'], [99, 'GOOD_PARTIAL_MATCH'], [85, 'GOOD_PARTIAL_MATCH'], [84, 'MODERATE_PARTIAL_MATCH'],
      [60, 'MODERATE_PARTIAL_MATCH'], [59, 'POOR_PARTIAL_MATCH'], [34, 'POOR_PARTIAL_MATCH'], [33, 'NO_MATCH'], [0, 'NO_MATCH'],
    ];
    for (const [s, r] of cases) assert.equal(classify(s), r, String(s));
  });
  it('classify with custom bands', () => {
    const b: NameMatchBands = { direct: 95, good: 80, moderate: 50, poor: 20 };
    assert.equal(classify(96, b), 'DIRECT_MATCH');
    assert.equal(classify(80, b), 'GOOD_PARTIAL_MATCH');
    assert.equal(classify(79, b), 'MODERATE_PARTIAL_MATCH');
    assert.equal(classify(20, b), 'POOR_PARTIAL_MATCH');
    assert.equal(classify(19, b), 'NO_MATCH');
  });
  it('matchNames with custom bands changes the category, not the score', () => {
    const loose: NameMatchBands = { direct: 100, good: 75, moderate: 50, poor: 20 };
    const d = matchNames('A KUMAR', 'AJAY KUMAR');
    const c = matchNames('A KUMAR', 'AJAY KUMAR', loose);
    assert.equal(c.score, d.score);
    assert.equal(d.result, 'MODERATE_PARTIAL_MATCH');
    assert.equal(c.result, 'GOOD_PARTIAL_MATCH');
    assert.equal(c.reason, d.reason);
  });
  it('validateBands accepts valid bands and returns a copy', () => {
    const b = { direct: 100, good: 85, moderate: 60, poor: 34, extra: 1 };
    assert.deepEqual(validateBands(b), { direct: 100, good: 85, moderate: 60, poor: 34 });
    assert.deepEqual(validateBands({ direct: 90, good: 90, moderate: 50, poor: 1 }), { direct: 90, good: 90, moderate: 50, poor: 1 });
  });
  it('validateBands rejects invalid bands with a message', () => {
    const bad: unknown[] = [
      null, 42, 'bands', [], {},
      { direct: 100, good: 85, moderate: 60 },
      { direct: 100, good: 85.5, moderate: 60, poor: 34 },
      { direct: 100, good: '85', moderate: 60, poor: 34 },
      { direct: 100, good: 85, moderate: 60, poor: 0 },
      { direct: 100, good: 85, moderate: 60, poor: -5 },
      { direct: 100, good: 85, moderate: 60, poor: 60 },
      { direct: 100, good: 60, moderate: 60, poor: 34 },
      { direct: 90, good: 95, moderate: 60, poor: 34 },
      { direct: 101, good: 85, moderate: 60, poor: 34 },
      { direct: 100, good: 85, moderate: 60, poor: Number.NaN },
    ];
    for (const b of bad) {
      const r = validateBands(b);
      assert.equal(typeof r, 'string', JSON.stringify(b));
      assert.ok((r as string).length > 0);
    }
  });
  it('invalid custom bands throw', () => {
    assert.throws(() => matchNames('A', 'B', { direct: 100, good: 50, moderate: 60, poor: 34 }), RangeError);
    assert.throws(() => classify(50, { direct: 100, good: 85, moderate: 60, poor: 0 }), RangeError);
  });
});

// ---------------------------------------------------------------------------------------------

interface Pair { name1: string; name2: string; same: boolean; category: string }

function loadPairs(): Pair[] {
  const path = fileURLToPath(new URL('../bench/namematch/pairs.tsv', import.meta.url));
  const lines = readFileSync(path, 'utf8').split('\n').filter((l) => l.trim() !== '');
  assert.deepEqual(lines[0].split('\t'), ['name1', 'name2', 'label', 'category']);
  return lines.slice(1).map((l) => {
    const [name1, name2, label, category] = l.split('\t');
    assert.ok(label === 'same' || label === 'different', l);
    return { name1, name2, same: label === 'same', category };
  });
}

describe('properties', () => {
  const pairs = loadPairs();
  it('symmetric: matchNames(a, b) and matchNames(b, a) agree', () => {
    const extra: [string, string][] = [['R K SHARMA', 'SHARMA RAVI KUMAR'], ['SRI SRI DEVI', 'SRIDEVI'], ['A', 'B C'], ['MD ASIF', 'ASIF MD']];
    for (const [a, b] of [...pairs.map((p): [string, string] => [p.name1, p.name2]), ...extra]) {
      assert.deepEqual(matchNames(a, b), matchNames(b, a), `${a} | ${b}`);
    }
  });
  it('scores are integers 0-100 and the result is the classified score', () => {
    for (const p of pairs) {
      const m = matchNames(p.name1, p.name2);
      assert.ok(Number.isInteger(m.score) && m.score >= 0 && m.score <= 100, `${p.name1} | ${p.name2}: ${m.score}`);
      assert.equal(m.result, classify(m.score));
      assert.match(m.reason, /^[A-Z_]+(,[A-Z_]+)*$/);
    }
  });
  it('only names identical after normalisation score 100', () => {
    assert.equal(matchNames('MOHD ASIF', 'MOHAMMED ASIF').score < 100, true);
    assert.equal(matchNames('SHARMA RAVI', 'RAVI SHARMA').score < 100, true);
  });
  it('is fast enough for batch verification', () => {
    const n = 20_000;
    const t0 = performance.now();
    for (let i = 0; i < n; i++) matchNames(pairs[i % pairs.length].name1, pairs[i % pairs.length].name2);
    const perSecond = n / ((performance.now() - t0) / 1000);
    assert.ok(perSecond > 5_000, `${Math.round(perSecond)} pairs/s`);
  });
});

describe('calibration', () => {
  it('the knots are the fit of the rules as they are (rerun bench/namematch/calibrate.ts after a rule change)', () => {
    assert.deepEqual(fit().map(([r, c]) => [r, c]), KNOTS.map(([r, c]) => [r, c]));
  });
  it('maps raw scores monotonically, keeps 100 for the same name only and refusals below GOOD', () => {
    for (let k = 1; k < KNOTS.length; k++) assert.ok(KNOTS[k][0] > KNOTS[k - 1][0], `knot ${k}`);
    let last = -1;
    for (let r = 0; r <= 100; r++) {
      const c = calibrate(r);
      assert.ok(Number.isInteger(c) && c >= last, `raw ${r} -> ${c}`);
      if (r < 100) assert.ok(c <= 99, `raw ${r} -> ${c}`);
      if (r < DEFAULT_BANDS.good) assert.ok(c < DEFAULT_BANDS.good, `raw ${r} -> ${c}`);
      last = c;
    }
    assert.equal(calibrate(100), 100);
  });
  it('keeps 99 for spelling rules that hold across names; a vowel spelled otherwise or a slip scores below it', () => {
    // However many tokens are transliterated, the evidence is the same kind.
    for (const [a, b] of [['MOHD RAFEEQ', 'MOHAMMED RAFIQ'], ['SREEDEVI NAIR', 'SRIDEVI NAYAR'], ['LAXMI NARAYAN CHOUDHARY', 'LAKSHMI NARAYAN CHAUDHARY']]) {
      assert.equal(matchNames(a, b).score, 99, `${a} | ${b}`);
    }
    // Accepted, but a reviewer who asks for 99 leaves these out.
    for (const [a, b] of [['HABIBUR ALI', 'HOBIBUR ALI'], ['SURESH KUMAR', 'SURCSH KUMAR'], ['PRASANTA DAS', 'PROSANT DAS']]) {
      const { score } = matchNames(a, b);
      assert.ok(score >= DEFAULT_BANDS.good && score < 99, `${a} | ${b}: ${score}`);
    }
  });
  it('matchNames reports the calibrated raw score', () => {
    for (const [a, b] of [['A KUMAR', 'AJAY KUMAR'], ['RAVI SHARMA', 'RAVI KUMAR SHARMA'], ['JOHN DOE', 'TOM']]) {
      assert.equal(matchNames(a, b).score, calibrate(rawScore(a, b).score), `${a} | ${b}`);
    }
  });
});

describe('spellings typed for one word of an Indian script (attested-data.ts)', () => {
  it('takes two of them for one name where no spelling rule does', () => {
    // Typed for one word by native speakers: one name however the letters differ.
    accepts('ATUL CHAUHAN', 'OTUL CHAUHAN', 'TRANSLITERATION');
    accepts('ANJALI ROY', 'ONJOLI ROY', 'TRANSLITERATION');
    accepts('MATHEW JOSEPH', 'MAITHEYU JOSEPH', 'TRANSLITERATION');
    refuses('KAMAL DAS', 'KOMAL DAS');
  });
  it('without it, the rules take the Bengali o for a short a in a given name, unless either spelling says otherwise', () => {
    holdOutAttested(ATTESTED.split('\n'));
    try {
      for (const [a, b] of [
        ['ATUL DAS', 'OTUL DAS'], // an initial o
        ['LATIF MONDAL', 'LOTIF MONDAL'],
        ['MAHIM BAIDYA', 'MOHIM BAIDYA'],
        ['TAPAN GHOSH', 'TOPON GHOSH'],
        ['RAHIZ UDDIN', 'ROHIZ UDDIN'],
      ]) accepts(a, b, 'TRANSLITERATION');
      // The o-spelling is a name of its own: the corpus writes it with o in Hindi.
      refuses('KAMAL DAS', 'KOMAL DAS');
      refuses('AMAR KHAN', 'OMAR KHAN');
      refuses('MAHAN ROY', 'MOHAN ROY');
      refuses('SANA KHAN', 'SONA KHAN');
      refuses('RAHIT SHARMA', 'ROHIT SHARMA');
      refuses('MAHAN ROY', 'MOHON ROY'); // Mohan with a second Bengali o
      // The a-name's first vowel is long: Bengali writes o only for the short a.
      refuses('ASHA ROY', 'OSHA ROY');
      // ou spells another vowel; three letters are too few to tell (Pon / Pan).
      refuses('TAPAN GHOSH', 'TOUPAN GHOSH');
      refuses('PAN SINGH', 'PON SINGH');
      // A given name's spelling only: surnames that differ so are two families.
      refuses('RAM OSWAL', 'RAM ASWAL');
      refuses('RAJ ARORA', 'RAJ ORORA');
      refuses('ANIL OGALE', 'ANIL AGALE');
      refuses('R ARORA', 'R ORORA'); // the only full token, so taken as the given name
      refuses('RAM OSWAL', 'ASWAL RAM'); // given name on one side only
      // Komol is Kamal to a Bengali writer, and Komal too: the o-name wins.
      refuses('KAMAL DAS', 'KOMOL DAS');
    } finally {
      holdOutAttested([]);
    }
  });
  it('keeps apart the pairs the corpora show as two names, and masculine / feminine forms', () => {
    // Each typed for one word, but each also the usual spelling of another name.
    refuses('ASHA ROY', 'ESHA ROY');
    refuses('AMAR KHAN', 'OMAR KHAN');
    // Typed for one Kannada or Telugu word that ends in a vowel, but Sunila is Sunil's feminine
    // (a veto line too).
    refuses('SUNIL VERMA', 'SUNILA VERMA');
    // The same with no veto line: the masculine / feminine rule is asked before the lexicon.
    refuses('ANIL KUMAR', 'ANILA KUMAR', 'GENDER_VARIANT');
    // -swamy / -samy is one spelling inside a name and at the start of a long one; in a short
    // word, two names.
    refuses('SWAPAN DAS', 'SAPAN DAS');
    refuses('SWAMI NAIR', 'SAMI NAIR');
    refuses('SVAMIN DAS', 'SAMIN DAS');
  });
});

describe('quality on bench/namematch/pairs.tsv', () => {
  const pairs = loadPairs();
  const HARD = new Set(['sibling', 'spouse', 'gender_variant', 'one_letter_given', 'ambiguous_initial', 'single_token', 'suffix_reorder']);
  it('the data set has the required size and shape', () => {
    assert.ok(pairs.length >= 300, String(pairs.length));
    const hard = pairs.filter((p) => HARD.has(p.category));
    assert.ok(hard.length / pairs.length >= 0.4, `hard negatives ${hard.length}/${pairs.length}`);
    for (const p of hard) assert.equal(p.same, false, `${p.category}: ${p.name1} | ${p.name2}`);
  });
  it('meets the quality floor at the default decision (DIRECT or GOOD = accept)', () => {
    let tp = 0, fp = 0, fn = 0, tn = 0;
    for (const p of pairs) {
      const accept = ACCEPTED.has(matchNames(p.name1, p.name2).result);
      if (p.same) accept ? tp++ : fn++;
      else accept ? fp++ : tn++;
    }
    const precision = tp / (tp + fp);
    const recall = tp / (tp + fn);
    const fpr = fp / (fp + tn);
    assert.ok(precision >= 0.98, `precision ${precision}`);
    assert.ok(recall >= 0.95, `recall ${recall}`);
    assert.ok(fpr <= 0.02, `false positive rate ${fpr}`);
  });
  it('refuses every kind of hard negative', () => {
    for (const c of HARD) {
      const ps = pairs.filter((p) => p.category === c);
      const refused = ps.filter((p) => !ACCEPTED.has(matchNames(p.name1, p.name2).result)).length;
      assert.ok(refused / ps.length >= 0.95, `${c}: ${refused}/${ps.length} refused`);
    }
  });
});

describe('lists generated from the Indian Names Corpus', () => {
  it('are what bench/namematch/build-o-names.ts writes with the keys as they are', () => {
    for (const [path, text] of Object.entries(generated())) {
      const committed = readFileSync(fileURLToPath(new URL(`../${path}`, import.meta.url)), 'utf8');
      assert.ok(committed === text, `${path} is stale: run node --import tsx bench/namematch/build-o-names.ts`);
    }
  });
});
