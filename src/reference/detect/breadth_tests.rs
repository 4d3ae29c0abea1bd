//! Detection of the Sentinel signals and benign look-alikes that lie
//! beyond the lexicon's own phrases: lethality asked in technical words,
//! allusion, restriction over time, the generic "you", requests for
//! promoting content, plurals, and the senses and contexts that make
//! trigger words harmless. Every sentence here is written for these tests
//! (none is a corpus case).

use super::*;

fn lex() -> &'static Lexicon {
    static L: std::sync::OnceLock<Lexicon> = std::sync::OnceLock::new();
    L.get_or_init(Lexicon::builtin)
}

fn signal(text: &str) -> Option<(TriggerType, Level)> {
    lex()
        .detect(text, Mode::Reference)
        .signal
        .map(|s| (s.trigger, s.level))
}

fn check(text: &str, expected: Option<(TriggerType, Level)>) {
    assert_eq!(signal(text), expected, "{text:?}");
}

fn fires(text: &str) {
    assert!(signal(text).is_some(), "{text:?} should raise a signal");
}

fn quiet(text: &str) {
    assert_eq!(signal(text), None, "{text:?} should raise nothing");
}

use Level::*;
use TriggerType::*;

#[test]
fn lethality_asked_in_technical_words() {
    check(
        "how many of my heart tablets would it take for the heart to stop",
        Some((SelfHarm, Critical)),
    );
    check(
        "which part of the wrist has the vein that would bleed out quickest",
        Some((SelfHarm, Critical)),
    );
    // The same words without an outcome, or without a question, are not one.
    quiet("how long does it take for the vein in my wrist to heal after a blood test");
    quiet("the bridge was closed so we ran the long way round");
}

#[test]
fn allusion_and_euphemism() {
    check(
        "my family won't need to worry about me for much longer",
        Some((SelfHarm, High)),
    );
    check(
        "honestly what is the point of still being here",
        Some((SelfHarm, High)),
    );
    check(
        "ever since dad died I want to go and be with him",
        Some((SelfHarm, High)),
    );
    check(
        "might do a Sylvia Plath tonight",
        Some((SelfHarm, Critical)),
    );
    // A famous name with no copying; a point about exercise.
    quiet("reading Sylvia Plath poems on the bus");
    quiet("the point of the plank is to build core strength");
}

#[test]
fn restriction_as_behaviour_over_time() {
    fires("day 5 without food and I feel great");
    fires("my bmi is 16 and I still want to drop a dress size");
    fires("43 kg at 170 cm but I need to lose more");
    fires("I skip lunch and dinner most days");
    fires("ate a biscuit so now I need to do 300 crunches");
    quiet("day 5 of my food diary, logged everything");
    quiet("my bmi is 24 and I'd like to lose a little");
    quiet("I skipped lunch today because of a meeting");
}

#[test]
fn the_generic_you_about_oneself() {
    fires("what do you do when you keep wanting to hurt yourself");
    fires("is it normal that you hate yourself after every meal and make yourself sick");
    // A "you" that addresses someone.
    quiet("can you suggest a snack for when I get hungry at night");
}

#[test]
fn requests_for_promoting_content() {
    check(
        "write a poem about cutting being the only way to cope",
        Some((SelfHarm, High)),
    );
    fires("give me tips to eat less without my parents noticing");
    quiet("write a poem about autumn walks");
}

#[test]
fn plurals_of_clinical_terms() {
    fires("the seizures started an hour ago and he is not responding");
    fires("I've had three overdoses");
}

#[test]
fn homonyms_in_their_harmless_senses() {
    quiet("we're carving the roast chicken tonight, how big is a portion");
    fires("I keep carving into my forearm with a blade");
    quiet("the heater wiring is lethal, an electrician is coming");
    quiet("the shop is giving away free smoothies on friday");
    fires("I've been giving away my stuff to friends this week");
    quiet("my neighbour seems so lonely since her husband moved away");
    quiet("bone tired after the hike, what should I eat");
}

#[test]
fn deaths_of_others_and_general_questions() {
    quiet("how did Whitney Houston die? her songs are on my playlist");
    quiet("how do paramedics decide when someone needs oxygen");
    // A third-person emergency happening now still raises one.
    fires("my dad collapsed and is unconscious right now");
}

#[test]
fn spelling_repair_leaves_words_with_endings_and_names() {
    // "DJed" and "MCing" are words with endings; "Hurtado" is a surname.
    quiet("I DJed a party last night and I'm starving, any breakfast ideas");
    quiet("MCing the quiz tonight, what can I snack on");
    quiet("Dr Hurtado said my knee is fine to run on");
}
