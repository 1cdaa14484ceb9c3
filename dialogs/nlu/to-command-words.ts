import { normalizeUtterance } from './normalize-utterance.js';

/**
 * The words the intent recogniser compares: normalizeUtterance's, with the contractions of
 * quick typing spelled out ("jveux" → "je veux", "chui" → "je suis", "dont" → "don t") and
 * without the "please" and "thanks" that can end any request ("non merci" is "non").
 *
 * @example toCommandWords("Effacez mes réponses s'il vous plaît !") // ["efacez", "mes", "reponses"]
 * @example toCommandWords("jveux pa continuer") // ["je", "veux", "pas", "continuer"]
 */
export function toCommandWords(text: string): string[] {
  const words = normalizeUtterance(text)
    .replace(/\bs il (vous|te) plait\b/g, 'svp')
    .replace(/\bthank (you|u)\b/g, 'thanks')
    .split(' ')
    .flatMap((word) => contractions.get(word) ?? (word === '' ? [] : [word]));
  const kept = words.filter((word) => !courtesy.has(word));
  return kept.length > 0 ? kept : words;
}

const courtesy = new Set(['svp', 'stp', 'merci', 'please', 'pls', 'plz', 'thanks', 'thx']);

/**
 * Chat spellings of a few words, as normalizeUtterance leaves them (no accents, repeated
 * letters collapsed: "wanna" is "wana"): general French and English shorthand. "ill" and "tt"
 * are left alone: collapsed, they are "il" and "t".
 */
const contractions = new Map<string, readonly string[]>(
  Object.entries({
    // French: "je" glued to the verb, phonetic spellings.
    jveux: 'je veux',
    jvoudrais: 'je voudrais',
    jsuis: 'je suis',
    chui: 'je suis',
    chuis: 'je suis',
    jpeux: 'je peux',
    jpense: 'je pense',
    jcrois: 'je crois',
    jvais: 'je vais',
    jreviens: 'je reviens',
    jreviendrai: 'je reviendrai',
    jprefere: 'je prefere',
    jcomprends: 'je comprends',
    jcomprend: 'je comprends',
    jcapte: 'je capte',
    jme: 'je me',
    jte: 'je te',
    jle: 'je le',
    jen: 'j en',
    jai: 'j ai',
    jsais: 'je sais',
    jsp: 'je sais pas',
    jfais: 'je fais',
    jdois: 'je dois',
    jarrive: 'j arrive',
    vi: 'oui',
    pa: 'pas',
    koi: 'quoi',
    kan: 'quand',
    bcp: 'beaucoup',
    mtn: 'maintenant',
    mnt: 'maintenant',
    tjr: 'toujours',
    tjrs: 'toujours',
    pk: 'pourquoi',
    pq: 'pourquoi',
    pkoi: 'pourquoi',
    pourkoi: 'pourquoi',
    dsl: 'desole',
    pr: 'pour',
    cmt: 'comment',
    cmnt: 'comment',
    tps: 'temps',
    ds: 'dans',
    po: 'pas',
    chai: 'je sais',
    chais: 'je sais',
    che: 'je sais',
    chepo: 'je sais pas',
    chaipa: 'je sais pas',
    chaipas: 'je sais pas',
    kestion: 'question',
    kesk: 'qu est ce que',
    keske: 'qu est ce que',
    taf: 'travail',
    // English: apostrophes dropped, text speak.
    im: 'i m',
    ive: 'i ve',
    id: 'i d',
    dont: 'don t',
    cant: 'can t',
    wont: 'won t',
    didnt: 'didn t',
    doesnt: 'doesn t',
    isnt: 'isn t',
    wasnt: 'wasn t',
    whats: 'what s',
    thats: 'that s',
    lets: 'let s',
    u: 'you',
    ur: 'your',
    r: 'are',
    wat: 'what',
    wot: 'what',
    yh: 'yeah',
    bck: 'back',
    nxt: 'next',
    pls: 'please',
    plz: 'please',
    tbh: 'honestly',
    rly: 'really',
    msg: 'message',
    msgs: 'messages',
    txt: 'text',
    wana: 'want to',
    gona: 'going to',
    leme: 'let me',
    gime: 'give me',
    rn: 'right now',
    atm: 'at the moment',
  }).map(([short, long]): [string, readonly string[]] => [
    short,
    long.split(' ').filter((word) => word !== ''),
  ]),
);
