/**
 * Text templates for the demo platform's posts, comments, articles, messages and profiles,
 * in the languages the demo members write in. A slot in braces is filled per item:
 * `{M}` another member's display name, `{H}` an @handle, `{E}` an e-mail address, `{P}` a
 * phone number in the author's national format, `{U}` a URL, `{C}` a company, `{R}` a role,
 * `{T}` a topic, `{Y}` a city, `{V}` an event, `{N}` a number, `{D}` a weekday, `{I}` an
 * IBAN, `{K}` a card number. The PII they carry is what a build has to redact.
 */
import type { Lang } from "./vocabulary.js";

/** The text kinds that have templates (the five item kinds of the contract). */
export type TextKind = "post" | "comment" | "article" | "message" | "profile";

type Templates = Readonly<Record<TextKind, readonly string[]>>;

const EN: Templates = {
  post: [
    "Thrilled to share that I've joined {C} as {R}! Huge thanks to {M} for the referral and to everyone who helped along the way. #newjob",
    "After {N} years at {C}, today is my last day. If you want to stay in touch, I'm at {E} or {P}.",
    "We're hiring! {C} is looking for a {R} in {Y}. Details here: {U} or DM {H} with questions.",
    "Key takeaways from {V} in {Y}: 1) {T} is harder than the slides suggest, 2) measure before you optimise, 3) talk to users. Great panel with {M} and {M}.",
    "Honoured to be named one of {C}'s mentors of the year. Mentoring is a two-way street: I learned as much from {M} as they did from me.",
    "Our team just published a case study on {T}. Read it at {U} and tell me where we got it wrong.",
    "Quick poll for fellow {R}s: how do you handle {T} on a small team? Comment below or email me at {E}.",
    "Reminder: the {Y} meetup on {T} is this {D}. RSVP at {U}. Speakers: {M} and {H}.",
    "Proud of what we shipped at {C} this quarter: {N}% faster onboarding and zero downtime. Credit goes to {M}.",
    "I'm looking for my next role as a {R}, ideally around {T}. Open to relocating to {Y}. Reach me on {P}.",
    "Lessons from {N} years in {T}: the hard part is never the technology, it's the people. Agree?",
    "Selling my standing desk before the move to {Y}. Bank transfer to {I} works, or call {P}.",
    "Congratulations to {M} on the promotion to {R} at {C}! Well deserved.",
    "If you paid for the {V} workshop with card {K}, the organisers say refunds go out this week. Questions to {E}.",
    "Just finished a deep dive into {T}. Notes are here for anyone curious: {U}",
    "Celebrating {N} years at {C} today. Grateful for mentors like {M} and teammates like {H}.",
    "Hot take: most {T} projects fail on data quality, not on models. Change my mind.",
    "Our {Y} office is open for visitors next {D}. Ping {H} or write to {E} to book a slot.",
    "Three things I wish I had known as a new {R}: ask early, write things down, and find a mentor like {M}.",
    "Looking for recommendations: who are the best people to follow on {T}? Tag them below.",
  ],
  comment: [
    "Congratulations {M}! Well deserved.",
    "Great point. We saw the same thing with {T} at {C}.",
    "Happy to chat about this, my email is {E}.",
    "Thanks for sharing! Tagging {H}, who worked on something similar.",
    "Totally agree. {M}, remember when we tried this in {Y}?",
    "Could you share the slides? {E}",
    "This is exactly why we moved to {T}. Call me on {P} if you want the details.",
    "Interesting read, though I would push back on the second point.",
    "Love this. Sharing with my team.",
    "Is the role open to remote candidates in {Y}?",
    "Well said, {M}.",
    "Followed up by email ({E}), thanks!",
    "Same experience here at {C}. The people side is always the hardest.",
    "Bookmarked. {H} you will like this one.",
  ],
  article: [
    "When I started as a {R} at {C}, nobody talked about {T}. Today it is on every roadmap, and for good reason.",
    "The first lesson is simple: write things down. Decisions made in hallways are forgotten within weeks.",
    '{M} put it best during a workshop in {Y}: "ship small, learn fast, and keep the customer in the room."',
    "If you want the template we use, email {E} and I will send it over.",
    "None of this works without trust. Teams that share numbers openly recover from mistakes faster.",
    "We measured everything: cycle time fell {N}% and incidents halved within two quarters.",
    "My thanks to {M} and {M} for reviewing drafts of this piece. The mistakes are mine.",
    "Further reading: {U}",
    "The second lesson is about scope. Every project at {C} that failed tried to do {T} and everything else at once.",
    "Questions and disagreements are welcome in the comments, or reach me directly on {P}.",
  ],
  message: [
    "Hi {M}, are you free for a call on {D}? My direct line is {P}.",
    "Thanks for the intro! Here is my personal email: {E}",
    "Hey, sending the invoice details: IBAN {I}, reference {N}.",
    "Can you forward the contract to {E}? My work inbox is full.",
    "Running 10 minutes late, call me on {P}.",
    "Good to meet you at {V}. Let's grab coffee in {Y} next {D}.",
    "Here is the link to the draft: {U} (please don't share it yet).",
    "My new number is {P}, the old one is gone.",
    "Congrats on the new role at {C}!",
    "My card {K} got declined for the team dinner, can you pay and I'll send it back?",
    "Do you know {M}? I'd love an introduction, they are hiring a {R}.",
  ],
  profile: [
    "{R} at {C} | {Y} | Passionate about {T}. Contact: {E}",
    "{R} with {N} years of experience in {T}. Previously at {C}. Portfolio: {U}",
    "Helping teams get better at {T}. Speaker at {V}. Say hi: {H}",
    "{R} | {T} | Mentor. Based in {Y}. {P}",
  ],
};

const ARTICLE_TITLES_EN = [
  "What {N} years of {T} taught me",
  "Why {T} matters for every {R}",
  "A practical guide to {T}",
  "How we cut costs by {N}% at {C}",
];

const DE: Templates = {
  post: [
    "Ich freue mich, bekannt zu geben, dass ich als {R} bei {C} angefangen habe! Danke an {M} für die Unterstützung.",
    "Wir suchen Verstärkung in {Y}: {R} (m/w/d). Mehr Infos unter {U} oder per Mail an {E}.",
    "Spannende Diskussion heute zu {T} mit {M}. Wer mehr wissen will, erreicht mich unter {P}.",
    "Nach {N} Jahren bei {C} beginnt für mich ein neues Kapitel. Danke an alle, besonders an {M}!",
  ],
  comment: [
    "Herzlichen Glückwunsch, {M}!",
    "Sehr guter Punkt, danke fürs Teilen.",
    "Gerne mehr dazu, schreib mir an {E}.",
  ],
  article: [
    "Als ich bei {C} als {R} anfing, sprach niemand über {T}. Heute steht es auf jeder Roadmap.",
    "Die wichtigste Lektion: Entscheidungen aufschreiben. Was nur im Flur besprochen wird, ist nach Wochen vergessen.",
    "Danke an {M} für das Gegenlesen. Fragen gerne an {E}.",
  ],
  message: [
    "Hallo {M}, passt dir {D} für ein kurzes Telefonat? Meine Nummer: {P}",
    "Hier die Kontodaten für die Rechnung: {I}",
    "Kannst du mir den Vertrag an {E} schicken?",
  ],
  profile: ["{R} bei {C} in {Y}. Schwerpunkt {T}. Kontakt: {E}"],
};

const FR: Templates = {
  post: [
    "Ravi d'annoncer que je rejoins {C} en tant que {R} ! Merci à {M} pour son soutien.",
    "Nous recrutons à {Y} : {R}. Détails sur {U} ou écrivez-moi à {E}.",
    "Belle table ronde sur {T} avec {M} aujourd'hui. Pour en discuter : {P}.",
  ],
  comment: ["Bravo {M} !", "Merci pour le partage, très instructif.", "Je vous écris à {E}."],
  article: [
    "Quand j'ai commencé comme {R} chez {C}, personne ne parlait de {T}.",
    "Première leçon : tout écrire. Les décisions prises dans un couloir s'oublient vite.",
    "Merci à {M} pour sa relecture. Vos questions à {E}.",
  ],
  message: [
    "Bonjour {M}, on peut s'appeler {D} ? Mon numéro : {P}",
    "Voici mon RIB pour le remboursement : {I}",
  ],
  profile: ["{R} chez {C}, {Y}. Passionnée par {T}. Contact : {E}"],
};

const ES: Templates = {
  post: [
    "¡Encantada de anunciar que me uno a {C} como {R}! Gracias a {M} por todo.",
    "Estamos contratando en {Y}: {R}. Más información en {U} o escríbeme a {E}.",
    "Gran conversación sobre {T} con {M}. Si te interesa, llámame al {P}.",
  ],
  comment: ["¡Enhorabuena, {M}!", "Muy buen punto, gracias por compartir.", "Te escribo a {E}."],
  article: [
    "Cuando empecé como {R} en {C}, nadie hablaba de {T}.",
    "La primera lección: escribirlo todo. Las decisiones de pasillo se olvidan en semanas.",
    "Gracias a {M} por revisar el borrador. Preguntas a {E}.",
  ],
  message: [
    "Hola {M}, ¿hablamos el {D}? Mi número es {P}",
    "Te paso la cuenta para la transferencia: {I}",
  ],
  profile: ["{R} en {C}, {Y}. Me apasiona {T}. Contacto: {E}"],
};

const PT: Templates = {
  post: [
    "Feliz em anunciar que entrei na {C} como {R}! Obrigado a {M} pelo apoio.",
    "Estamos contratando em {Y}: {R}. Saiba mais em {U} ou mande e-mail para {E}.",
    "Ótima conversa sobre {T} com {M} hoje. Quem quiser saber mais, me liga: {P}.",
  ],
  comment: ["Parabéns, {M}!", "Ótimo ponto, obrigado por compartilhar.", "Te mandei e-mail ({E})."],
  article: [
    "Quando comecei como {R} na {C}, ninguém falava de {T}.",
    "A primeira lição: documentar tudo. Decisões de corredor são esquecidas em semanas.",
    "Obrigado a {M} pela revisão. Dúvidas para {E}.",
  ],
  message: ["Oi {M}, podemos conversar na {D}? Meu número é {P}", "Segue a conta: {I}"],
  profile: ["{R} na {C}, {Y}. Apaixonada por {T}. Contato: {E}"],
};

const JA: Templates = {
  post: [
    "{C}で{R}として新しい一歩を踏み出しました。{M}さん、いつもありがとうございます。",
    "{Y}で{T}の勉強会を開催します。詳細は {U} まで。",
    "{T}について{M}さんと議論しました。ご興味のある方は {E} までご連絡ください。",
  ],
  comment: [
    "おめでとうございます、{M}さん！",
    "とても参考になりました。",
    "詳しくは {E} へどうぞ。",
  ],
  article: [
    "{C}で{R}として働き始めた頃、{T}について話す人はいませんでした。",
    "最初の教訓は、すべてを書き残すことです。",
    "レビューしてくれた{M}さんに感謝します。質問は {E} まで。",
  ],
  message: ["{M}さん、{D}にお電話できますか？ 番号は {P} です。", "振込先はこちらです: {I}"],
  profile: ["{C}の{R}。{Y}在住。{T}に関心があります。連絡先: {E}"],
};

/** The slot letters a template may use. */
export const SLOTS = "MHEPUCRTYVNDIK";

/** A template split once into literal parts (already JSON-escaped) and slot codes. */
export interface CompiledTemplate {
  /** `parts.length === slots.length + 1`. */
  readonly parts: readonly string[];
  /** Slot letters, one per gap between parts. */
  readonly slots: string;
}

/** Splits a template into JSON-escaped literals and slots. Throws on an unknown slot. */
export function compileTemplate(template: string): CompiledTemplate {
  const parts: string[] = [];
  let slots = "";
  let last = 0;
  for (const m of template.matchAll(/\{([A-Z])\}/g)) {
    const letter = m[1]!;
    if (!SLOTS.includes(letter)) throw new Error(`unknown template slot {${letter}}`);
    parts.push(escapeJson(template.slice(last, m.index)));
    slots += letter;
    last = m.index + m[0].length;
  }
  parts.push(escapeJson(template.slice(last)));
  return { parts, slots };
}

/** The inside of a JSON string literal for `text`. */
function escapeJson(text: string): string {
  return JSON.stringify(text).slice(1, -1);
}

function compileAll(t: Templates): Readonly<Record<TextKind, readonly CompiledTemplate[]>> {
  return {
    post: t.post.map(compileTemplate),
    comment: t.comment.map(compileTemplate),
    article: t.article.map(compileTemplate),
    message: t.message.map(compileTemplate),
    profile: t.profile.map(compileTemplate),
  };
}

/** Compiled templates by language and kind. */
export const TEMPLATES: Readonly<
  Record<Lang, Readonly<Record<TextKind, readonly CompiledTemplate[]>>>
> = {
  en: compileAll(EN),
  de: compileAll(DE),
  fr: compileAll(FR),
  es: compileAll(ES),
  pt: compileAll(PT),
  ja: compileAll(JA),
};

/** Compiled English article titles (articles in other languages reuse them: realistic enough). */
export const ARTICLE_TITLES: readonly CompiledTemplate[] = ARTICLE_TITLES_EN.map(compileTemplate);
