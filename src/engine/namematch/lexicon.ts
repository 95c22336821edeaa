// Small word lists the matcher needs. They are hints, not a dictionary of names: the engine
// works on any name, these only settle questions that spelling alone cannot (is a leading
// "SRI" a title or part of "SRI LAKSHMI"? is "SHARMA" the given name or the family name?).

/** Titles dropped from the front of a name (repeatedly: "LATE SHRI", "DR MRS"). */
export const HONORIFICS = new Set([
  'MR', 'MRS', 'MS', 'MISS', 'MST', 'MSTR', 'MASTER', 'MADAM', 'SIR',
  'SHRI', 'SRI', 'SHREE', 'SREE', 'SHRIMATI', 'SRIMATI', 'SMT', 'SMTI', 'SUSHRI', 'SHRIMAN',
  'KUMARI', 'KUM', 'KU', 'KM',
  'DR', 'DOCTOR', 'PROF', 'PROFESSOR', 'LATE', 'LT', 'ADV', 'ADVOCATE', 'ER', 'ENGR', 'ENG', 'CA',
  'CAPT', 'CAPTAIN', 'COL', 'MAJ', 'MAJOR', 'GEN', 'BRIG', 'SGT', 'HON',
  'THIRU', 'THIRUMATHI', 'TMT', 'SELVI', 'SOWBAGYAVATHI',
  'HAJI', 'HAJEE', 'HAZI', 'ALHAJ', 'ALHAZ', 'JANAB', 'MAULANA', 'MOULANA', 'SARDAR', 'SARDARNI', 'PANDIT', 'PT',
  'MOSAMMAT', 'MUSAMMAT', 'MOSAMMET', 'SUSRI',
  // Marathi: Sau. (Saubhagyavati) for a married woman, Chi. (Chiranjeev) for a young man.
  'SAU', 'SOU', 'CHI',
  'MESSRS', 'MESSERS',
]);

/**
 * Leading titles that are also ordinary name parts: in South India ("SRI DEVI", "SREE LAKSHMI",
 * "KUMARI" as a given name), and family names written first (Bengal's Sardar, Pandit: "SARDAR
 * GOPAL" is Gopal Sardar): the matcher tries the name both with and without them.
 */
export const AMBIGUOUS_HONORIFICS = new Set(['SRI', 'SREE', 'SHRI', 'SHREE', 'KUMARI', 'SELVI', 'THIRU', 'SARDAR', 'PANDIT', 'ADVOCATE',
  'SAU', 'SOU', 'CHI']);

/** Tokens that are bookkeeping, not name: dropped anywhere. */
export const NOISE_TOKENS = new Set(['MINOR', 'HUF', 'DECEASED', 'DECD']);

/**
 * Two-letter tokens that are names, not a pair of initials written together ("RK"). With them the
 * Arabic article as Indian records write it apart from the name before it (Nur Ul Islam, Moin Ud
 * Din, Habib Ur Rahman), so that it can join that name (Nurul Islam).
 */
export const SHORT_NAMES = new Set(['OM', 'JO', 'DE', 'AL', 'LI', 'LU', 'HO', 'YU', 'KO', 'MA', 'SU', 'NG', 'OH', 'EL', 'BO',
  'UL', 'UD', 'UR', 'US', 'UZ']);

/**
 * Tokens that carry little identity: gender/marital suffixes, the Muslim "Mohammed" prefix,
 * the North Indian middle "KUMAR". Missing one costs little, and they are never taken for
 * the given name when a better token exists. Written as spelled; matched by canonical key.
 */
export const WEAK_RAW = [
  'DEVI', 'KUMARI', 'KUMAR', 'BAI', 'BEN', 'BHAI', 'BEGUM', 'BEGAM', 'KHATUN', 'KHATOON',
  'BIBI', 'BANO', 'BANU', 'MOHAMMED', 'ABDUL', 'SAHEB', 'SAHIB', 'BHAIYA',
];

/**
 * Common Indian family names, used only to tell which token is the given name when a record is
 * written surname-first ("SHARMA AMIT"). Not exhaustive; a surname missing here is simply
 * treated like any other token.
 */
export const SURNAMES_RAW = [
  // North and Central
  'SHARMA', 'VERMA', 'VARMA', 'GUPTA', 'SINGH', 'KAUR', 'JAIN', 'AGARWAL', 'AGGARWAL', 'AGRAWAL',
  'BANSAL', 'GOYAL', 'GOEL', 'MITTAL', 'JINDAL', 'SINGHAL', 'GARG', 'KHANNA', 'KAPOOR', 'KAPUR',
  'MALHOTRA', 'CHOPRA', 'ARORA', 'BHATIA', 'SETHI', 'SAXENA', 'SRIVASTAVA', 'SHRIVASTAVA',
  'MATHUR', 'NIGAM', 'TRIPATHI', 'TIWARI', 'TIWARY', 'DUBEY', 'DWIVEDI', 'CHATURVEDI', 'TRIVEDI',
  'PANDEY', 'MISHRA', 'MISRA', 'SHUKLA', 'PATHAK', 'UPADHYAY', 'BAJPAI', 'YADAV', 'CHAUHAN',
  'RATHORE', 'RAJPUT', 'THAKUR', 'CHAUDHARY', 'CHOUDHARY', 'CHOWDHURY', 'GURJAR', 'PRAJAPATI',
  'MAURYA', 'KUSHWAHA', 'PASWAN', 'RAWAT', 'BISHT', 'NEGI', 'TOMAR', 'SISODIA',
  'AHUJA', 'BHALLA', 'DHAWAN', 'MEHRA', 'TANDON', 'TALWAR', 'OBEROI', 'GROVER', 'NARANG',
  'SACHDEVA', 'KOHLI', 'BEDI', 'GILL', 'SANDHU', 'SIDHU', 'DHILLON', 'GREWAL', 'BRAR', 'BAJWA',
  'RANDHAWA', 'SODHI', 'AHLUWALIA', 'SAINI', 'KATIYAR', 'NAGAR',
  // West
  'PATEL', 'SHAH', 'MEHTA', 'DESAI', 'PARIKH', 'DAVE', 'PANDYA', 'VYAS', 'BHATT', 'THAKKAR',
  'MODI', 'GANDHI', 'JOSHI', 'PATIL', 'DESHMUKH', 'KULKARNI', 'DESHPANDE', 'PAWAR', 'JADHAV',
  'SHINDE', 'GAIKWAD', 'KALE', 'CHAVAN', 'SAWANT', 'BHOSALE', 'BHOSLE', 'NAIK', 'GAWDE', 'SALVI',
  // East
  'DAS', 'DUTTA', 'DATTA', 'DEY', 'GHOSH', 'BOSE', 'BASU', 'BANERJEE', 'MUKHERJEE', 'CHATTERJEE',
  'GANGULY', 'SEN', 'SENGUPTA', 'SARKAR', 'SAHA', 'BISWAS', 'MAJUMDAR',
  'MAZUMDAR', 'BHATTACHARYA', 'BHATTACHARJEE', 'CHAKRABORTY', 'CHAKRABARTI',
  'KUNDU', 'HALDER', 'MONDAL', 'MANDAL', 'PRADHAN', 'PANDA', 'MOHANTY', 'MOHAPATRA', 'MAHAPATRA',
  'SAHOO', 'SAHU', 'NAYAK', 'PATNAIK', 'ROUT', 'BEHERA', 'SWAIN', 'JENA', 'BARUAH', 'BORA',
  'GOGOI', 'KALITA', 'SAIKIA',
  // South
  'NAIR', 'MENON', 'PILLAI', 'KURUP', 'PANICKER', 'NAMBIAR', 'NAMBOODIRI', 'WARRIER', 'IYER',
  'IYENGAR', 'REDDY', 'RAO', 'NAIDU', 'CHOWDARY', 'SHETTY', 'HEGDE', 'GOWDA', 'BHAT', 'KAMATH',
  'PAI', 'SHENOY', 'SASTRY', 'SHASTRI', 'ACHARYA', 'GOUD',
  // Muslim
  'KHAN', 'SHAIKH', 'SHEIKH', 'SYED', 'ANSARI', 'QURESHI', 'SIDDIQUI', 'MIRZA', 'BAIG', 'PATHAN',
  'HUSSAIN', 'HUSAIN', 'RIZVI', 'NAQVI', 'ZAIDI', 'ABBASI', 'FAROOQUI', 'MEMON',
  // Christian and Parsi
  'DSOUZA', 'DSILVA', 'FERNANDES', 'FERNANDEZ', 'PEREIRA', 'RODRIGUES', 'DCOSTA', 'DMELLO',
  'GOMES', 'PINTO', 'LOBO', 'IRANI', 'MISTRY', 'WADIA', 'DARUWALLA', 'BHARUCHA', 'KAPADIA',
  'CONTRACTOR', 'ENGINEER', 'DASTUR', 'BILIMORIA', 'MERCHANT',
];

/**
 * Spelling families that the generic rules do not join (or join too loosely), mapped to one
 * canonical key. Each list is one name written the ways Indian records write it.
 */
export const VARIANT_GROUPS: string[][] = [
  ['MOHAMMED', 'MOHAMMAD', 'MOHAMED', 'MOHAMAD', 'MUHAMMAD', 'MUHAMMED', 'MUHAMED', 'MUHAMAD',
    'MOHMAD', 'MOHMED', 'MOHD', 'MD', 'MHD', 'MOHAMMOD', 'MAHAMMAD', 'MAHAMMED', 'MOHAMMADH', 'MOHAMMEED'],
  ['SHEIKH', 'SHAIKH', 'SHEKH', 'SHAIK', 'SHEK', 'SK', 'SHAKH', 'SHAEKH', 'SEKH', 'SAIKH', 'SEIKH', 'SAIEKH'],
  // Not Sayeed: that is Saeed, another name (though the rules still read it as Syed).
  ['SYED', 'SAYYED', 'SAIYED', 'SAYED', 'SAIYAD', 'SYEED', 'SAYYAD', 'SAYYID', 'SAYID', 'SAIYID'],
  ['CHOWDHURY', 'CHOUDHURY', 'CHAUDHARY', 'CHAUDHARI', 'CHOUDHARY', 'CHOWDHARY', 'CHOUDHARI',
    'CHAUDHURI', 'CHOWDHARI', 'CHOWDARY', 'CHOWDARI', 'CHOUDARY', 'CHAUDHRY', 'CHAUDRY', 'CHOUDHRY',
    'CHOWDHRY', 'CHAUDHURY', 'CHOUDHURI'],
  ['LAKSHMI', 'LAXMI', 'LAKSMI', 'LUXMI', 'LAKHMI', 'LACHMI', 'LAKSHMY', 'LAKSHMEE', 'LAXMEE', 'LACHHMI'],
  ['SUBRAMANIAN', 'SUBRAMANIAM', 'SUBRAMANYAM', 'SUBRAHMANYAM', 'SUBRAMANYAN', 'SUBRAHMANIAN',
    'SUBRAMANIYAN', 'SUBRAMONIAN', 'SUBRAMONIAM', 'SUBRAHMANYA', 'SUBRAMANYA'],
  ['VENKAT', 'VENKATA', 'VENKATTA'],
  // Read from Indian scripts: राव, नायर written letter by letter.
  ['RAO', 'RAV', 'RAAV', 'RAAO'],
  ['NAIR', 'NAYAR', 'NAAYAR'],
  // ஐயர் / अय्यर, and उपाध्याय with its final a written or not (a family name, not a feminine).
  ['IYER', 'AIYAR', 'AYYAR', 'IYYER', 'AIYER'],
  ['UPADHYAY', 'UPADHYAYA', 'UPADHAYAY', 'UPADHAYA', 'UPADHYA'],
  // Common family names whose spellings no rule joins: कुशवाहा / कुशवाह (the final a after h),
  // वाजपेयी (b / v with ai / ayee / eyi), ஐயங்கார் (ai / iy at the start, a / e after the nasal).
  ['KUSHWAHA', 'KUSHWAH', 'KUSWAHA', 'KUSHAWAHA'],
  ['GOYAL', 'GOEL', 'GOYEL'], // गोयल: its ya written e
  ['BAJPAI', 'BAJPAYEE', 'VAJPAYEE', 'BAJPEYI', 'VAJPEYI', 'BAJPAYI', 'VAJPAI', 'BAJPEYEE'],
  ['IYENGAR', 'AYYANGAR', 'AIYANGAR', 'IYENGER', 'AYYENGAR'],
  ['SRINIVAS', 'SRINIVASA', 'SREENIVAS', 'SREENIVASA', 'SHRINIVAS', 'SHRINIVASA', 'SHREENIVAS',
    'SRINIWAS', 'SHRINIWAS', 'SEENIVAS', 'SEENIVASAN', 'SRINIVASAN', 'SREENIVASAN'],
  // Bengali filings write the one Arabic name Hossain, Hosen, Hossen (Hasan is another name).
  ['HUSSAIN', 'HUSAIN', 'HUSSEIN', 'HOSSAIN', 'HOSAIN', 'HUSAINE', 'HUSEIN', 'HOSSEIN', 'HOSEN', 'HOSSEN',
    'HOSSIN', 'HUSEN', 'HUSSEN', 'HUSSIN'],
  ['AHMED', 'AHMAD', 'AHAMED', 'AHAMAD', 'AHAMMAD', 'AHAMMED', 'AHMMED', 'AHMMAD'],
  // Rahiman and Rahuman as Kerala and Tamil Nadu write Rahman (Rahim is another name).
  ['RAHMAN', 'RAHAMAN', 'REHMAN', 'ROHMAN', 'REHAMAN', 'RAHMAAN', 'RAHIMAN', 'RAHUMAN'],
  ['BEGUM', 'BEGAM'],
  // चंद्र with its nasal left out by the filer.
  ['CHANDRA', 'CHADRA'],
  // Bengali and Assamese family names that filings write two ways.
  ['SINHA', 'SINGHA'],
  ['SHAW', 'SAU'],
  ['BASU', 'BOSE', 'BOSU'],
  ['RAJBONGSHI', 'RAJBANSHI', 'RAJBONSHI', 'RAJBANGSHI', 'RAJBONGSI', 'RAJBANSI'],
  ['BARBHUIYA', 'BORBHUIYA', 'BARBHUYAN', 'BORBHUYAN', 'BARBHUIYAN', 'BORBHUIYAN'],
  ['DEORI', 'DEWRI'],
  // The Bodo Mushahary; the Mising Payeng.
  ['MUSHAHARY', 'MOCHAHARY', 'MACHAHARY', 'MUSAHARY', 'MOSHAHARY', 'MUSHAHARI', 'MOCHAHARI'],
  ['PAYENG', 'PAYANG'],
  // ভূঁইয়া / ভূঞা, as Bengal, Assam and Odisha write it; গায়েন.
  ['BHUYAN', 'BHUIYAN', 'BHUIYA', 'BHUYA', 'BHUIAN', 'BHUINYA'],
  ['GAYEN', 'GAIN'],
  ['NAYAK', 'NAYEK', 'NAIK'],
  ['IQBAL', 'IKBAL', 'EKBAL', 'IQUBAL'],
  // হক / حق, written with q or k, short or in -que.
  ['HAQUE', 'HOQUE', 'HAQ', 'HUQ', 'HOQ', 'HUQUE'],
  ['ORAON', 'URAO', 'URAON', 'ORAO'],
  ['YUSUF', 'YOUSUF', 'YOUSUFF', 'YOUSAF', 'YUSOOF', 'YOUSOOF', 'YUSUFF', 'YOUSEF', 'YUSEF'],
  ['ISMAIL', 'ISMAEL', 'ISMAYIL', 'ISMAILL'],
  ['IBRAHIM', 'EBRAHIM', 'IBRAHEEM', 'EBRAHEEM'],
  ['AYESHA', 'AISHA', 'AYISHA', 'AYSHA', 'AAYESHA', 'AISHAH', 'AYSHAH'],
  ['FATIMA', 'FATHIMA', 'FATEMA', 'FATMA', 'FATHIMMA', 'FATIMAH', 'FATHEMA'],
  ['JOSEPH', 'JOSEF', 'JOSEPHH'],
  ['MATHEW', 'MATHEWS', 'MATTHEW', 'MATHAI', 'MATTHEWS'],
  ['THOMAS', 'THOMMAS', 'TOMAS'],
  // Kerala's Varghese (വർഗീസ്), its -ese said and written -ees.
  ['VARGHESE', 'VERGHESE', 'VARGHEESE', 'VARGHEES', 'VERGHEES', 'VARGEES', 'VARGESE', 'VARGIS', 'VERGIS',
    'VARUGHESE', 'VARUGHEESE'],
  ['FERNANDES', 'FERNANDEZ', 'FERNANDISE'],
  ['RODRIGUES', 'RODRIGUEZ', 'RODRIGUS'],
  // The Bengali family names and the English forms they took: one family written either way
  // (Bandyopadhyay / Banerjee).
  ['BANERJEE', 'BANERJI', 'BANARJEE', 'BANNERJEE', 'BANERJE', 'BANDYOPADHYAY', 'BANDOPADHYAY',
    'BANDYOPADHYAYA', 'BANDOPADHYAYA', 'BANDYOPADHAYA', 'BANDOPADHAYA'],
  ['MUKHERJEE', 'MUKHERJI', 'MUKHARJEE', 'MUKERJEE', 'MUKHERJE', 'MUKHOPADHYAY', 'MUKHOPADHYAYA',
    'MUKHOPADHAYA'],
  ['CHATTERJEE', 'CHATTERJI', 'CHATERJEE', 'CHATTARJEE', 'CHATTOPADHYAY', 'CHATTOPADHYAYA',
    'CHATTOPADHAYA'],
  ['GANGULY', 'GANGULI', 'GANGOPADHYAY', 'GANGOPADHYAYA', 'GANGOPADHAYA'],
  ['SARKAR', 'SIRCAR', 'SARKER', 'SORKAR'],
  ['GHOSH', 'GHOSE'], // ঘোষ, in its older English spelling
  ['ACHARYA', 'ACHARJEE', 'ACHARJYA', 'ACHARJI', 'ACHARJE'],
  ['BHATTACHARYA', 'BHATTACHARJEE', 'BHATTACHARYYA', 'BHATTACHARJYA', 'BHATTACHARJI'],
  ['CHAKRABORTY', 'CHAKRABARTI', 'CHAKRAVARTY', 'CHAKRAVARTHY', 'CHAKRABARTY', 'CHAKRAVORTY', 'CHAKRAVARTI'],
];

/**
 * Spellings of one name that no spelling rule relates, because the same change elsewhere makes
 * another name (a vowel in a short name, a voicing, a dropped nasal), one name a line. Unlike
 * VARIANT_GROUPS, the tokens keep their own keys: a listed spelling still matches its ordinary
 * variants (Rajinee / Rajini), and the line relates what the rules would have related to each.
 */
export const ONE_NAME: string[][] = [
  // Arabic names as Bengali, Assamese and Kerala filings spell them.
  ['GHULAM', 'GOLAM', 'GULAM'],
  ['ANWAR', 'ANOWAR', 'ANOAR', 'ANOWER'],
  ['ANWARA', 'ANOWARA', 'ANOARA'],
  ['MUJIBUR', 'MUJIBAR', 'MUJIBOR'],
  ['FIROZ', 'FEROZ', 'FEROZE', 'FIROJ', 'FEROJ', 'FIROS', 'FEROS'],
  ['AZIZ', 'AZIS', 'AJIJ'],
  // Arabic names as Bengali filings write them: the e of Bengali script for an i (আমেনা Amena,
  // নাসের Naser), ye or e for an initial y (Yeasmin, Eunus, Easin), o or u for either.
  ['YASMIN', 'YASMEEN', 'YEASMIN', 'YESMIN', 'JASMIN', 'JESMIN', 'EASMIN'],
  ['YASIN', 'YASEEN', 'YEASIN', 'EASIN', 'EYASIN', 'YASSIN'],
  ['YUNUS', 'YUNOOS', 'YOUNUS', 'EUNUS', 'YOONUS'],
  ['AMINA', 'AMENA', 'AMEENA'],
  ['MOMINA', 'MOMENA', 'MUMINA'],
  ['NASIR', 'NASER', 'NASSER'],
  ['MUTALIB', 'MOTALEB', 'MOTALIB', 'MUTTALIB'],
  ['MUZAMMIL', 'MOZAMMEL', 'MOJAMMEL', 'MUZAMMEL'],
  ['UBAIDUL', 'OBAIDUL'],
  ['UBAIDUR', 'OBAIDUR'],
  ['SALIM', 'SELIM'],
  ['ISHAQ', 'ISHAK', 'ISAHAK', 'ISHAQUE', 'ISAHAQ'],
  ['SUHAIL', 'SOHAIL', 'SOHEL', 'SUHEL'],
  ['MUKHTAR', 'MOKTAR', 'MOKTER', 'MOKHTAR', 'MUKTAR'],
  ['MUMTAZ', 'MOMTAZ', 'MOMTAJ', 'MUMTAJ'],
  ['KULSUM', 'KULSOOM', 'KALSUM'],
  ['RABIA', 'RABEYA', 'RABIYA', 'RABEA'],
  ['RUQAIYA', 'ROKEYA', 'RUKAIYA', 'RUQAYYA', 'ROKIYA'],
  ['USMAN', 'OSMAN', 'UTHMAN', 'OSMAAN'],
  // Kerala rolls write the z of Arabic names with the Malayalam s (സൈനുദ്ദീൻ Sainudheen).
  ['ZAINUDDIN', 'SAINUDDIN', 'SAINUDHEEN', 'ZAINUDHEEN', 'ZAINUDEEN', 'SAINUDEEN'],
  ['ZUBAIDA', 'SUBAIDA', 'ZUBEDA', 'SUBAIDHA'],
  ['ZAINABA', 'SAINABA', 'ZAINAB', 'JOYNAB', 'JAINAB'],
  ['ZUHRA', 'ZOHRA', 'SUHARA', 'SUHRA', 'ZUHARA'],
  ['ZULEKHA', 'ZULAIKHA', 'SULAIKHA', 'JULEKHA'],
  ['MOHIUDDIN', 'MOIDEEN', 'MOHIYUDDIN', 'MUHIYUDHEEN', 'MOHIDEEN', 'MUHIYUDDIN', 'MOHIUDDEEN'],
  ['ZACHARIAH', 'ZACHARIA', 'ZAKARIA', 'ZAKARIYA', 'SAKARIA', 'SAKARIYA', 'SCARIA', 'SKARIA', 'JAKARIA'],
  // স্বপন as said (Sapan is another name: Hindi writes it so).
  ['SWAPAN', 'SHOPON', 'SWOPAN'],
  ['RASEL', 'RUSSEL', 'RUSSELL', 'RASSEL'],
  // Family names of Bengal, Assam and Tamil Nadu. Here, not in VARIANT_GROUPS, so that each
  // spelling keeps what the rules relate it to (Dolai / Doloi, Machahary / Mochahary).
  ['BHUYAN', 'BHUNIA', 'BHUNIYA'], // ভূঞা: Bhuyan stands for its whole group above
  ['MAJHI', 'MANJHI'], // মাঝি / माँझी
  ['DOLUI', 'DOLOI', 'DULOI'],
  ['GOHAIN', 'GOHAI'], // গোহাঁই
  ['BURAGOHAIN', 'BURAGOHAI'],
  ['HANDIQUE', 'HANDIQUI', 'HANDIKE'],
  ['MUSHAHARY', 'MOCHAHARY', 'MOSHAHARY', 'MUSAHARY', 'MOCHAHARI', 'MUSHAHARI'],
  ['RONGPI', 'RONGPHI'],
  // Tamil script: one letter for k and g, and உ read u or o.
  ['GOUNDER', 'KOUNDER', 'GOUNDAR', 'KOUNDAR'],
  ['UDAYAR', 'ODAYAR', 'UDAIYAR', 'ODAIYAR'],
  // Malayalam പിള്ള is read Pilla; Tamil filings write the family name Pillai.
  ['PILLAI', 'PILLA', 'PILLAY'],
  // The Assamese family name of the Ahom nobility, with or without its nasal.
  ['KONWAR', 'KOWAR', 'KUNWAR', 'KUWAR'],
  // Tamil script writes one letter for k / g and p / b: Logesh is Lokesh, Sambath is Sampath.
  ['LOKESH', 'LOGESH'],
  ['SAMPATH', 'SAMBATH'],
  ['RAJANI', 'RAJINI'], // Rajinikanth / Rajanikant
  ['JUSTIN', 'JESTIN'], // Kerala filings
  ['NIMAI', 'NEMAI'], // Bengali
  // Kannada writes the inherent -a of masculine names that elsewhere take it as a feminine
  // (Manish / Manisha: compare.ts, suffixKind).
  ['GIRISH', 'GIRISHA'],
  ['HARISH', 'HARISHA'],
  ['SATISH', 'SATISHA', 'SATHISH', 'SATHISHA'],
  ['JAGADISH', 'JAGADISHA', 'JAGDISH'],
  ['SUDHIR', 'SUDHIRA', 'SUDHEER', 'SUDHEERA'],
  ['RAMANUJ', 'RAMANUJA'],
  ['MAYUR', 'MAYURA'],
  // Men's names whose -a no woman bears, as Odia, Bengali, Sinhala and southern spellings write it:
  // the epics' Arjuna, Nakula, Mahavira; Achyuta (Vishnu), Manmatha (Kama, in Bengali Monmotho),
  // Pramatha (Shiva's host). Not Bhima, which Maharashtra's Bhimabai makes a woman's name too (the
  // keys take -bai off), nor Sushruta, whose key is Sushrita's.
  ['ARJUN', 'ARJUNA'],
  ['NAKUL', 'NAKULA'],
  ['MAHAVIR', 'MAHAVIRA', 'MAHAVEER', 'MAHAVEERA', 'MAHABIR', 'MAHABIRA'],
  ['ACHYUT', 'ACHYUTA'],
  ['MANMATH', 'MANMATHA', 'MONMOTH', 'MONMOTHO'],
  ['PRAMATH', 'PRAMATHA', 'PROMOTH', 'PROMOTHO'],
  // And Vamana, Dilipa, Rahula. Not Gautama (Gautamabai Holkar), nor Bharata, whose key is
  // Varatha's (the Tamil Varada, a woman's name), nor Sanjaya: the Dakshina sets give Malayalam's
  // Sanjaya and Sanjay as two names.
  ['VAMAN', 'VAMANA', 'WAMAN'],
  ['DILIP', 'DILIPA', 'DILEEP', 'DILEEPA'],
  ['RAHUL', 'RAHULA'],
  ['BRIJ', 'BRAJ'], // बृज / ब्रज
  ['CHINTAMANI', 'CHINTAMAN'], // चिंतामणि, said without its i in Marathi: a man's name either way
  // -pati, lord, said without its i in Marathi and Gujarati (Shripatrao). Not a rule: in Bihar
  // and Uttar Pradesh -pati ends women's names too (Dhanpat / Dhanpati, Rampat / Rampati).
  ['GANPATI', 'GANPAT', 'GANAPATI', 'GANAPAT'],
  ['BHUPATI', 'BHUPAT'],
  ['SHRIPATI', 'SHRIPAT', 'SRIPATI', 'SRIPAT'],
  // किशन, the everyday Hindi form of कृष्ण (Kishan Lal / Krishan Lal). Not Krishna, a woman's name too.
  ['KISHAN', 'KISHEN', 'KRISHAN', 'KRISHEN'],
  // दयाल as Punjabi records write it alone (Dyal Singh); in longer words the rules read it
  // (Gurdial / Gurdayal).
  ['DAYAL', 'DYAL', 'DIAL'],
  // Kerala's Augusthy (ആഗസ്തി, of Augustine), its au written a as said. Here, not among the
  // VARIANT_GROUPS, whose one key would part it from the Agasthy the vowel rules read it as.
  ['AUGUSTHY', 'AGUSTHY', 'AUGUSTY', 'AGUSTY', 'AUGUSTHI', 'AGUSTHI', 'AUGUSTI', 'AGUSTI'],
  // বিশ্ব as Assamese filings write it, the w said after its o (Himanta Biswa / Bishow).
  ['BISWA', 'BISHOW', 'BISHWO', 'BISWO'],
];

// A man's and a woman's name, mostly of the Christian names that Goan, Mangalorean, Kerala, Mumbai
// and North-Eastern records carry, which the spelling rules take for one (the Portuguese -o / -a as
// the Bengali final o, the French -e as a final schwa, an English -a as a masculine's inherent
// vowel, and Francis / Frances, typed for one word of an Indian script): Mario Pereira and Maria
// Pereira are husband and wife, or brother and sister. Each line: the man's name, then the
// woman's names made from it; by their keys, so the spellings the keys fold come with them.
export const GENDER_PAIRS: string[][] = [
  ['FRANCIS', 'FRANCES'], ['FRANCISCO', 'FRANCISCA'], ['LOUIS', 'LOUISE'], ['JOHN', 'JOAN'],
  ['SIMON', 'SIMONE'], ['DANIEL', 'DANIELLE', 'DANIELA'], ['GABRIEL', 'GABRIELLE', 'GABRIELA'],
  ['NOEL', 'NOELLE'], ['MICHEL', 'MICHELLE'], ['MICHAEL', 'MICHELLE', 'MICHAELA'], ['DENIS', 'DENISE'],
  ['JEAN', 'JEANNE'], ['YVON', 'YVONNE'], ['ROBERT', 'ROBERTA'], ['ROBERTO', 'ROBERTA'], ['ALBERT', 'ALBERTA'],
  ['ALBERTO', 'ALBERTA'], ['CARL', 'CARLA'], ['CARLOS', 'CARLA'], ['ERIC', 'ERICA'], ['JOSEPH', 'JOSEPHA', 'JOSEPHINE'],
  ['ANTONY', 'ANTONIA'], ['ANTHONY', 'ANTONIA'], ['ANTONIO', 'ANTONIA'], ['MARIO', 'MARIA'], ['AGNELO', 'AGNELA'],
  ['ANGELO', 'ANGELA'], ['MARCELO', 'MARCELA'], ['CAETANO', 'CAETANA'], ['FERNANDO', 'FERNANDA'], ['JULIO', 'JULIA'],
  ['JULIUS', 'JULIA'], ['JULIAN', 'JULIANA'], ['EMILIO', 'EMILIA'], ['CLAUDIO', 'CLAUDIA'], ['CUSTODIO', 'CUSTODIA'],
  ['ROSARIO', 'ROSARIA'], ['VALENTINE', 'VALENTINA'], ['VALENTINO', 'VALENTINA'], ['AUGUSTINE', 'AUGUSTINA'],
  ['CELESTINE', 'CELESTINA'], ['CLEMENT', 'CLEMENTINA'], ['JUSTIN', 'JUSTINA'], ['MARTIN', 'MARTINA'], ['PAUL', 'PAULA'],
  ['PHILIP', 'PHILIPPA'], ['VICTOR', 'VICTORIA'], ['BERNARDO', 'BERNARDA'], ['ALPHONSE', 'ALPHONSA'],
  ['ALPHONSO', 'ALPHONSA'], ['BENEDICT', 'BENEDICTA'], ['DOMINIC', 'DOMINICA'],
  ['SEBASTIAN', 'SEBASTIANA'], ['FREDERICK', 'FREDERICA'], ['GERALD', 'GERALDINE'], ['PASCAL', 'PASCALE'],
  // And of the Bengali Muslim names, where the -a after a cluster reads as a masculine's.
  ['ANWAR', 'ANWARA'], ['ANOWAR', 'ANOWARA'],
];
