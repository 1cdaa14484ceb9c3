// NLP.js ships no types: the stemmers and stop-word lists the synthesis uses (the classes the
// intent recognizer uses are declared in dialogs/nlu/nlpjs.d.ts; ambient modules merge).

declare module '@nlpjs/lang-fr' {
  export class StemmerFr {
    stemWord(word: string): string;
  }
  export class StopwordsFr {
    dictionary: Record<string, boolean>;
  }
}

declare module '@nlpjs/lang-en' {
  export class StemmerEn {
    stemWord(word: string): string;
  }
  export class StopwordsEn {
    dictionary: Record<string, boolean>;
  }
}
