import { describe, expect, it } from 'vitest';
import { hasPersonalData, maskPersonalData } from '../../bot/exports/mask-personal-data.js';

describe('maskPersonalData', () => {
  it.each([
    ['appelez-moi au 06 12 34 56 78 svp', 'appelez-moi au [téléphone] svp'],
    ['mon num 0612345678', 'mon num [téléphone]'],
    ['tel: 06.12.34.56.78.', 'tel: [téléphone].'],
    ['06-12-34-56-78', '[téléphone]'],
    ['+33 6 12 34 56 78', '[téléphone]'],
    ['+33 (0)6 12 34 56 78', '[téléphone]'],
    ['0033 6 12 34 56 78', '[téléphone]'],
    ['+33612345678', '[téléphone]'],
    ['+44 20 7946 0958 (London)', '[téléphone] (London)'],
    ['+1 (555) 123-4567', '[téléphone]'],
    ['écrivez à jean.dupont@gmail.com merci', 'écrivez à [e-mail] merci'],
    ['marie_b+conseil@mairie-roubaix.fr', '[e-mail]'],
    ['contact : sophie @ orange.fr', 'contact : [e-mail]'],
    ['j’habite 12 rue des Lilas', 'j’habite [adresse]'],
    ['3 bis avenue Jean-Jaurès 59100 Roubaix', '[adresse]'],
    ['au 45, bd de la République, au fond', 'au [adresse], au fond'],
    ['7 allée des Peupliers', '[adresse]'],
    ['bâtiment C escalier 2 appartement 14', '[adresse] [adresse] [adresse]'],
    ['I live at 221B Baker Street', 'I live at [adresse]'],
    ['envoyez à contact[at]mairie.fr', 'envoyez à [e-mail]'],
    ['jean (arobase) gmail (point) com', '[e-mail]'],
    ['Jean.Dupont@Gmail.COM', '[e-mail]'],
    ['07.12.34.56.78 ou +32 2 123 45 67', '[téléphone] ou [téléphone]'],
    ['(06) 12 34 56 78', '[téléphone]'],
    ['+33-6-12-34-56-78', '[téléphone]'],
    ['15 Rue de la Paix 75002 Paris', '[adresse]'],
    ['4 impasse du Moulin, appt 12', '[adresse], [adresse]'],
  ])('masks %j', (input, expected) => {
    expect(maskPersonalData(input)).toBe(expected);
    expect(hasPersonalData(input)).toBe(true);
  });

  it.each([
    'plus de bus après 21 h',
    'la ligne 12 passe toutes les 20 minutes',
    'en 2017 il y avait 3 éducateurs pour 450 jeunes',
    'ouvrir le centre social le samedi de 9h à 12h',
    'le 93 mérite mieux',
    'un budget de 10 000 euros',
    'avoir le code de la route',
    'le rue est sale (sic)',
    'cité éducative',
    'Rendez-vous le 05/12/2017',
    'le 12/11/2017 à 18h30',
    'bus 12 et 14 et 16 et 18',
    'en 1995 et 2017 et 2018',
    'on se retrouve at home',
  ])('leaves %j as it is', (input) => {
    expect(maskPersonalData(input)).toBe(input);
    expect(hasPersonalData(input)).toBe(false);
  });

  it('speaks English when asked', () => {
    expect(maskPersonalData('call 06 12 34 56 78 or 5 Elm Road', 'en')).toBe(
      'call [phone] or [address]',
    );
  });
});
