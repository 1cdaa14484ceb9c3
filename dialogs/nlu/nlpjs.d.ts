// NLP.js ships no types: these cover only the members create-intent-recognizer.ts uses.

declare module '@nlpjs/core' {
  /** A language plug-in class (LangFr, LangEn) that registers its tokenizer, stemmer… */
  export interface NlpPluginClass {
    new (): { register(container: Container): void };
  }

  export interface Container {
    use(plugin: NlpPluginClass): string;
  }

  export function containerBootstrap(): Container;
}

declare module '@nlpjs/lang-fr' {
  import type { Container } from '@nlpjs/core';

  export class LangFr {
    register(container: Container): void;
  }
}

declare module '@nlpjs/lang-en' {
  import type { Container } from '@nlpjs/core';

  export class LangEn {
    register(container: Container): void;
  }
}

declare module '@nlpjs/nlp' {
  import type { Container } from '@nlpjs/core';

  export interface NluSettings {
    /** Adds a "None" output fed by the count of words never seen in training. */
    useNoneFeature: boolean;
    /** NLP.js's own stem-level spelling correction. */
    spellCheck: boolean;
    /** false: no "Epoch … loss …" line per training iteration. */
    log: boolean;
  }

  export interface NlpSettings {
    container: Container;
    languages: readonly string[];
    autoLoad: boolean;
    autoSave: boolean;
    forceNER: boolean;
    calculateSentiment: boolean;
    /** Scores below it become intent "None"; 0 leaves thresholding to the caller. */
    threshold: number;
    nlu: NluSettings;
  }

  export interface NlpClassification {
    intent: string;
    score: number;
  }

  export interface NlpClassifyResult {
    intent: string;
    score: number;
    classifications: NlpClassification[];
  }

  export class Nlp {
    constructor(settings: NlpSettings);
    addDocument(locale: string, utterance: string, intent: string): void;
    train(): Promise<unknown>;
    /** Classification only: process() would add NER, slots, answers, sentiment and context. */
    classify(locale: string, utterance: string): Promise<NlpClassifyResult>;
  }
}
