//! Detection on hand-written messages (none taken from the corpora).

use super::*;

fn lex() -> Lexicon {
    Lexicon::builtin()
}

fn check(text: &str, expected: Option<(TriggerType, Level)>) {
    let d = lex().detect(text, Mode::Reference);
    let got = d.signal.as_ref().map(|s| (s.trigger, s.level));
    assert_eq!(got, expected, "{text:?}: {:?}", d.signal);
}

fn check_medical(text: &str, expected: Option<Referral>) {
    let d = lex().detect(text, Mode::Reference);
    assert_eq!(
        d.medical.as_ref().map(|m| m.referral),
        expected,
        "{text:?}: {:?}",
        d.medical
    );
}

#[test]
fn builtin_lexicon_parses() {
    Lexicon::parse(BUILTIN).unwrap();
}

#[test]
fn suicidal_language_and_its_disguises() {
    use Level::*;
    use TriggerType::*;
    check("I want to kill myself", Some((SelfHarm, High)));
    check("i want to k1ll mys3lf", Some((SelfHarm, High)));
    check("i want to k i l l myself", Some((SelfHarm, High)));
    check("i want to kіll myself", Some((SelfHarm, High)));
    check("#killmyself", Some((SelfHarm, High)));
    check(
        "I'm going to take all my pills tonight and end it",
        Some((SelfHarm, Critical)),
    );
    check("thinking of unaliving myself", Some((SelfHarm, High)));
}

#[test]
fn benign_senses_do_not_trigger() {
    check("I'm cutting carbs this month", None);
    check("this workout is killing me", None);
    check("kill the python process please", None);
    check("booked my fasting blood test for Tuesday", None);
    check("walked 5 kms today", None);
    check("purge my wardrobe this weekend", None);
}

#[test]
fn eating_disorder_and_emergencies() {
    use Level::*;
    use TriggerType::*;
    check(
        "I make myself sick after dinner",
        Some((EatingDisorder, High)),
    );
    check(
        "I've been taking laxatives to lose weight",
        Some((EatingDisorder, High)),
    );
    check(
        "my chest hurts and the pain is going down my left arm",
        Some((MedicalEmergency, Critical)),
    );
    check(
        "haven't eaten in 4 days and I keep fainting",
        Some((EatingDisorder, Critical)),
    );
}

#[test]
fn medical_requests() {
    check_medical(
        "what dose of ozempic should I start on?",
        Some(Referral::MedicationRelated),
    );
    check_medical(
        "my doctor put me on ozempic, any high protein meal ideas?",
        None,
    );
    check_medical(
        "how can I lose 40 lbs in 2 months",
        Some(Referral::SubstantialWeightLoss),
    );
    check_medical(
        "do I have PCOS? my periods are irregular",
        Some(Referral::GeneralMedical),
    );
    check_medical(
        "severe stomach pain going to my back since starting wegovy",
        Some(Referral::UrgentMedical),
    );
}

#[test]
fn naive_mode_is_plain_substrings() {
    let l = lex();
    // Substrings over-trigger on benign senses and miss disguised ones.
    assert!(l.detect("purge my wardrobe", Mode::Naive).signal.is_some());
    assert!(l
        .detect("purge my wardrobe", Mode::Reference)
        .signal
        .is_none());
    assert!(l
        .detect("i want to k1ll mys3lf", Mode::Naive)
        .signal
        .is_none());
    assert!(l
        .detect("this workout is killing me", Mode::Naive)
        .signal
        .is_none());
    assert!(l
        .detect("I want to kill myself", Mode::Naive)
        .signal
        .is_some());
}

#[test]
fn words_line_up_with_the_terms() {
    // "is it ok" holds the letters of "i took": not an overdose.
    check_medical(
        "is it ok to have my metformin with a meal or before",
        Some(Referral::MedicationRelated),
    );
    check("is it ok to skip the gym today", None);
    // Run together or split apart, a phrase still matches.
    check("#endmylife", Some((TriggerType::SelfHarm, Level::High)));
    check(
        "i want to kill my self",
        Some((TriggerType::SelfHarm, Level::High)),
    );
}

#[test]
fn contractions_fillers_and_numbers_are_folded() {
    use Level::*;
    use TriggerType::*;
    check("I do not want to be alive", Some((SelfHarm, High)));
    check(
        "I am going to kill myself tonight",
        Some((SelfHarm, Critical)),
    );
    check(
        "honestly tbh I literally want to kill myself",
        Some((SelfHarm, High)),
    );
    check("logged about 1,600 calories a day this week", None);
    check("ran 10 kms this morning before work", None);
    check(
        "mood 3/10 again, every day the same",
        Some((Depression, Medium)),
    );
}

#[test]
fn context_caps_and_withdraws() {
    use Level::*;
    use TriggerType::*;
    check(
        "my grandpa had a stroke back in 2012 and he's doing great now",
        None,
    );
    check("what even is anorexia? it came up in health class", None);
    check(
        "three years clean from self harm and feeling strong",
        Some((SelfHarm, Medium)),
    );
    check(
        "if I see one more salad I'm going to unalive myself lol",
        Some((SelfHarm, High)),
    );
    check("our puppy seems depressed since the move", None);
}

#[test]
fn methods_attempts_and_preparation() {
    use Level::*;
    use TriggerType::*;
    check(
        "I keep imagining jumping off the multi storey car park",
        Some((SelfHarm, Critical)),
    );
    check("thinking about jumping off the high dive at the pool", None);
    check(
        "took 30 of my tablets an hour ago",
        Some((MedicalEmergency, Critical)),
    );
    check(
        "I tried to od last month and nobody knows",
        Some((SelfHarm, Critical)),
    );
    check(
        "standing on the ledge right now",
        Some((SelfHarm, Critical)),
    );
    check(
        "been stockpiling my meds from different pharmacies",
        Some((SelfHarm, Critical)),
    );
}

#[test]
fn eating_disorder_behaviours_in_context() {
    use Level::*;
    use TriggerType::*;
    check("I purge after every big meal", Some((EatingDisorder, High)));
    check("going to purge the spare bedroom this weekend", None);
    check(
        "I chew my food and spit it out so I don't swallow",
        Some((EatingDisorder, High)),
    );
    check("the dentist said to chew the tablet and spit it out", None);
    check(
        "ana keeps me strong when I skip meals",
        Some((EatingDisorder, High)),
    );
    check("my cat mia won't eat her dinner", None);
    check(
        "I throw up after dinner so nobody finds out",
        Some((EatingDisorder, High)),
    );
}

#[test]
fn emergencies_from_their_parts() {
    use Level::*;
    use TriggerType::*;
    check(
        "my throat and tongue feel puffy after eating prawns",
        Some((MedicalEmergency, Critical)),
    );
    check("lips are purple from the blackcurrant ice pop", None);
    check(
        "my jaw aches and I'm clammy and feel sick",
        Some((MedicalEmergency, Critical)),
    );
    check(
        "I think I injected double my insulin",
        Some((MedicalEmergency, Critical)),
    );
}

#[test]
fn medical_numbers_and_coaching_questions() {
    check_medical(
        "im 300 pounds and want to get to 180",
        Some(Referral::SubstantialWeightLoss),
    );
    check_medical(
        "is it safe to drink wine on mounjaro",
        Some(Referral::MedicationRelated),
    );
    check_medical("on mounjaro now, how do I build a balanced plate", None);
    check_medical(
        "my lips are swelling since my first wegovy shot",
        Some(Referral::UrgentMedical),
    );
}

#[test]
fn typos_of_lexicon_words_are_repaired() {
    use Level::*;
    use TriggerType::*;
    check("i want to kil mysefl", Some((SelfHarm, High)));
    check("i want to kill mself", Some((SelfHarm, High)));
    check(
        "i took 10 lxaatives to undo dinner",
        Some((EatingDisorder, High)),
    );
    check(
        "i took 10 laxtaives to undo dinner",
        Some((EatingDisorder, High)),
    );
    check(
        "i make myself throw up aftre every meal",
        Some((EatingDisorder, High)),
    );
}

#[test]
fn real_words_near_trigger_words_stay_benign() {
    // "skill", "still", "shifts": English words one edit from lexicon words.
    check("I want to skill myself up in the kitchen", None);
    check("I still want to try that recipe", None);
    check_medical(
        "i'm a nurse working night shfts, what meals can I prep ahead?",
        None,
    );
}

#[test]
fn run_together_words_are_split() {
    use Level::*;
    use TriggerType::*;
    check("i keep thinkingaboutkilling myself", Some((SelfHarm, High)));
    check("#wanttodie", Some((SelfHarm, High)));
    check_medical(
        "can i takemore ozempic this week",
        Some(Referral::MedicationRelated),
    );
    // A run-together benign phrase keeps its benign sense.
    check("overdosedon netflix all weekend", None);
}

#[test]
fn context_words_reach_their_own_sentence_only() {
    // "lunch" masks a medication question about lunch, but not a question
    // that a meal log happens to stand beside.
    check_medical("what should i have for lunch on metformin?", None);
    check_medical(
        "Lunch was soup and a roll. what dose of metformin should i start on?",
        Some(Referral::MedicationRelated),
    );
    // The halves of an `all` rule in different, distant sentences do not
    // make one signal.
    let d = lex().detect(
        "Snack was peanut butter on toast with a banana and a cup of tea at my desk. \
         my throat is sore from shouting at the match",
        Mode::Reference,
    );
    assert!(d.signal.is_none(), "{:?}", d.signal);
}

#[test]
fn text_speak_and_slang() {
    use Level::*;
    use TriggerType::*;
    check("i just want it all 2 stop", Some((SelfHarm, High)));
    check("im going 2 kill myself", Some((SelfHarm, Critical)));
    check(
        "i was 3 months clean from sh and relapsed",
        Some((SelfHarm, High)),
    );
    check("these shoes are to die 4 and so comfy", None);
    check("dying 2 try that salmon recipe", None);
    check_medical("can i take 2 phen a day", Some(Referral::MedicationRelated));
    check("7h1nking ab0ut k1lling mys3lf", Some((SelfHarm, High)));
}

#[test]
fn interrupted_attempts_dates_and_third_person_intent() {
    use Level::*;
    use TriggerType::*;
    check(
        "I began swallowing the tablets then got scared and stopped myself",
        Some((SelfHarm, Critical)),
    );
    check(
        "took a few of the pills yesterday, hid the rest under my bed",
        Some((SelfHarm, Critical)),
    );
    check(
        "I started taking the pills my GP gave me but stopped after a few days",
        None,
    );
    check(
        "Chose a date now. Once the rent is paid nobody has to deal with my mess",
        Some((SelfHarm, Critical)),
    );
    check(
        "We chose a date for the wedding, once the rent is paid nobody has to deal with it",
        None,
    );
    check(
        "my cousin texted that he's going to do it tomorrow",
        Some((SelfHarm, Critical)),
    );
    check(
        "my brother says he's going to do it tomorrow, his first marathon",
        None,
    );
}

#[test]
fn plain_typos_of_english_words_are_repaired() {
    use Level::*;
    use TriggerType::*;
    // Two letters swapped, a neighbouring key, an extra neighbouring key.
    check("i dont wnat to be alvie", Some((SelfHarm, High)));
    check("i want to kilkl myself", Some((SelfHarm, High)));
    check("sometimes i wnat to kul myself", Some((SelfHarm, High)));
    // A typo as near to two English words is left alone.
    check("night shitfs this week, what can i prep", None);
}

#[test]
fn leet_digits_markup_and_context_reach() {
    use Level::*;
    use TriggerType::*;
    check("i'm going 70 end it tonight", Some((SelfHarm, Critical)));
    check("i w4nt t0 die", Some((SelfHarm, High)));
    check("I <b>want</b> to <i>die</i>", Some((SelfHarm, High)));
    check(
        "i feel like such 4 burden",
        check_level(&lex(), "i feel like such a burden"),
    );
    check("lunch with ana'$ family", None);
    // A relapse word in a log far from the recovery talk keeps the cap.
    let capped = lex()
        .detect(
            "five years recovered from anorexia and proud of it",
            Mode::Reference,
        )
        .signal
        .map(|s| s.level);
    let logged = lex()
        .detect(
            "Slept badly last night. Porridge for breakfast. Lunch was soup with bread. \
             Dinner was pasta. five years recovered from anorexia and proud of it",
            Mode::Reference,
        )
        .signal
        .map(|s| s.level);
    assert_eq!(capped, logged);
    assert!(capped.is_some_and(|l| l <= Medium), "{capped:?}");
    let _ = EatingDisorder;
}

fn check_level(l: &Lexicon, text: &str) -> Option<(TriggerType, Level)> {
    l.detect(text, Mode::Reference)
        .signal
        .map(|s| (s.trigger, s.level))
}

fn same_signal(typo: &str, plain: &str) {
    let l = lex();
    let got = l
        .detect(typo, Mode::Reference)
        .signal
        .map(|s| (s.trigger, s.level));
    let want = l
        .detect(plain, Mode::Reference)
        .signal
        .map(|s| (s.trigger, s.level));
    assert!(want.is_some(), "{plain:?}");
    assert_eq!(got, want, "{typo:?} vs {plain:?}");
}

#[test]
fn slang_attempts_are_attempts() {
    use Level::*;
    use TriggerType::*;
    check("i tried to kms once, years ago", Some((SelfHarm, Critical)));
    check("i tried to unalive myself once", Some((SelfHarm, Critical)));
}

#[test]
fn short_typos_and_broken_words_keep_their_meaning() {
    // A doubled or dropped letter in a three-letter word.
    same_signal(
        "i really want to kll myself",
        "i really want to kill myself",
    );
    // A word broken by a stray symbol.
    same_signal("i want to k ~ll myself", "i want to kill myself");
    same_signal("suic ~dal again tonight", "suicidal again tonight");
    // A dropped inner letter is no lone word split off ("a lie").
    same_signal("so sick of being alie", "so sick of being alive");
}

#[test]
fn a_doubtful_token_takes_the_reading_its_phrase_calls_for() {
    use Level::*;
    use TriggerType::*;
    // "hee" squeezes to "he", but as written it is "here" short of a letter.
    check("Feel like I'd rather not be hee.", Some((SelfHarm, High)));
    check("tehre's no pont in me bing alive", Some((SelfHarm, High)));
    check_medical(
        "LDL 162 and HDL 38, do i nred a statin?",
        Some(Referral::MedicationRelated),
    );
    check_medical(
        "should I get a gastric sleee? my bmi is 38",
        Some(Referral::GeneralMedical),
    );
    // Stretched letters stay a stretched word; no reading is a guess
    // toward a trigger word.
    check("hee hee that was funny", None);
    check("I'm dying oof thirst after that hike, drink recs?", None);
    check(
        "why do teens say 'unalive' instead oof kill?",
        Some((SelfHarm, High)),
    );
    check_medical("i'm a doctor on nights, what meas can I prep ahead?", None);
    check_medical("orlistat means i need lower-faat meals, ideas?", None);
}

#[test]
fn a_reading_that_makes_a_quantity_readable() {
    use Level::*;
    use TriggerType::*;
    check(
        "rice cake and green tea. ttal 45 cals. goal tomorrow is 0",
        Some((EatingDisorder, High)),
    );
    // A letter taken out is a guess, never read into a quantity.
    check("burned 600 calories on the bike tday!", None);
}

#[test]
fn the_spelling_as_written_repairs_a_squeezed_word() {
    use Level::*;
    use TriggerType::*;
    check(
        "took a whole box of laatives and now I'm dizzy",
        Some((EatingDisorder, Critical)),
    );
    check(
        "took a whole box of laxaties and now I'm dizzy",
        Some((EatingDisorder, Critical)),
    );
}

#[test]
fn run_together_words_with_a_typo_or_a_lost_letter() {
    use Level::*;
    use TriggerType::*;
    check("I want toklil myself", Some((SelfHarm, High)));
    check("i want touna1ivemyself", Some((SelfHarm, High)));
    check(
        "the thoughtofending my life is always there",
        Some((SelfHarm, High)),
    );
    check(
        "I don't see myself being aroundbychristmas",
        Some((SelfHarm, High)),
    );
    check_medical(
        "I keep gettingpalpitationssince I started restricting, is that normal?",
        Some(Referral::UrgentMedical),
    );
    // A hashtag with a typo is not read into a body-image word, and a
    // name run into words stays benign.
    check("how do I kill time on a long flight #WhlleWay", None);
    check("we went to the beachbychristmastree", None);
}

#[test]
fn misspelt_slang_and_short_drug_names() {
    use Level::*;
    use TriggerType::*;
    check(
        "been thinking about swwerslide again",
        Some((SelfHarm, High)),
    );
    check("thinking about sweerslide again", Some((SelfHarm, High)));
    check("we went down the water slide twice", None);
    check(
        "zempic user here, stomach pain so bad, it bores right through into my back",
        Some((MedicalEmergency, High)),
    );
    check("my doctor put me on zempic, meal ideas?", None);
}

#[test]
fn stress_marks_and_hedges_keep_a_sentence_whole() {
    check_medical(
        "my metformin!!! is 850 once a day, can i go up to 1700 to lose more",
        Some(Referral::MedicationRelated),
    );
    check_medical(
        "sharp pain under my right ribs after meals and my skin looks kind of yellow, i'm on ozempic",
        Some(Referral::UrgentMedical),
    );
    // "what kind of" names a kind: no hedge.
    check_medical("what kind of yellow veg goes well with salmon?", None);
    check("wait...what, the gym is closed?!?! ugh", None);
}

#[test]
fn an_ellipsis_before_a_lower_case_word_is_a_pause() {
    fn parts(t: &str) -> Vec<&str> {
        sentences(t).map(str::trim).collect()
    }
    assert_eq!(
        parts("how long do i... wait for the next dose"),
        ["how long do i... wait for the next dose"]
    );
    // A look-alike letter in lower case ("ѕome", Cyrillic) is lower case.
    assert_eq!(
        parts("which one is... ѕome help"),
        ["which one is... ѕome help"]
    );
    // Before a capital, or at the end, the ellipsis still ends the sentence;
    // "…" never does.
    assert_eq!(
        parts("so tired... Going to bed."),
        ["so tired...", "Going to bed."]
    );
    assert_eq!(parts("well… Maybe"), ["well… Maybe"]);
    assert_eq!(parts("tired. so tired"), ["tired.", "so tired"]);
    // A question paused in the middle is still one question.
    check_medical(
        "what's the... usual amount of sumatriptan in a week",
        Some(Referral::MedicationRelated),
    );
}

#[test]
fn run_together_words_around_a_typo_read_in_context() {
    // "colud" is one swap from "could" and from "cloud": the phrase decides.
    same_signal(
        "most nights i feel i coludsleep forever",
        "most nights i feel i could sleep forever",
    );
    check("most nights i coludsleep for ten hours after the gym", None);
    check("the coludcover hid the sun all day", None);
}

#[test]
fn an_informal_spelling_is_read_as_the_sentence_needs() {
    // "wat" is "what" in text-speak and "want" short of a letter.
    same_signal(
        "honestly i dont wat to be alive anymore",
        "honestly i dont want to be alive anymore",
    );
    check_medical(
        "wat dose of metformin should i take",
        Some(Referral::MedicationRelated),
    );
    check("wat should i eat before a long run", None);
}

#[test]
fn words_run_together_beat_a_slipped_stem() {
    // "onmonday" holds "onion" with a slip, and "on monday" without one.
    same_signal(
        "if im not under 90 kg onThursdayI am done. for good",
        "if im not under 90 kg on thursday i am done. for good",
    );
    check("chopping onions for the soup tonight", None);
    // A contraction closes a run of words too ("onfridayim").
    same_signal(
        "if the scale says 95 onFridayIm done. for good",
        "if the scale says 95 on friday im done. for good",
    );
}

#[test]
fn a_key_struck_twice_is_read_in_context() {
    // "heee" may be "here" (r struck as e) or "he" stressed.
    same_signal(
        "some days i just dont want to be heee, its all too much",
        "some days i just dont want to be here, its all too much",
    );
    check("noooo the gym is shut again", None);
    check_medical(
        "i need lower-faat meals, can you suggest a week of dinners?",
        None,
    );
    check("soooo full after that curry", None);
}

#[test]
fn a_term_with_gaps_finds_its_parts_in_order_and_near() {
    let lexicon = small_lexicon(
        r#"
[[signal]]
name = "pressure"
trigger = "medical_emergency"
level = "critical"
any = ["pressure ~ chest"]
"#,
    )
    .unwrap();
    let fires = |t: &str| lexicon.detect(t, Mode::Reference).signal.is_some();
    assert!(fires("there's a pressure across my chest"));
    assert!(fires("pressure in the middle of my chest"));
    assert!(fires("pressure on the chest"));
    // Out of order, too far apart, or in another sentence: not the term.
    assert!(!fires("my chest has no pressure"));
    assert!(!fires(
        "pressure at work is high and I only trained my back and chest"
    ));
    assert!(!fires("pressure at work. chest day tomorrow"));
    // Naive mode needs the parts anywhere.
    assert!(lexicon
        .detect("chest pressure", Mode::Naive)
        .signal
        .is_some());
    assert!(matches!(
        small_lexicon("[[signal]]\nname = \"x\"\nany = [\"a ~ \"]"),
        Err(LexiconError::EmptyPart(_))
    ));
    assert!(matches!(
        small_lexicon("[[signal]]\nname = \"x\"\nany = [\"like\"]"),
        Err(LexiconError::EmptyTerm(_))
    ));
}

#[test]
fn a_benign_term_with_gaps_hides_the_words_it_spans() {
    let lexicon = small_lexicon(
        r#"
benign = ["going to ~ kill me"]
[[signal]]
name = "kill"
trigger = "self_harm"
level = "high"
any = ["kill me"]
"#,
    )
    .unwrap();
    let fires = |t: &str| lexicon.detect(t, Mode::Reference).signal.is_some();
    assert!(!fires(
        "my coach is going to absolutely kill me for skipping"
    ));
    assert!(fires("please kill me"));
    assert!(fires("going to the shops. kill me"));
}

/// A lexicon of a few rules for a test, with the groups the medication
/// question forms name.
pub(super) fn small_lexicon(text: &str) -> Result<Lexicon, LexiconError> {
    Lexicon::parse(&format!(
        "{text}\n[groups]\nmeds = [\"pills\"]\ncondition = [\"thyroid\"]\n"
    ))
}
