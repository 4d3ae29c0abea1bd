//! The medication vocabulary, its stems and the question forms, on
//! hand-written messages (none taken from the corpora).

use super::*;
use crate::contract::Referral;
use crate::reference::detect::{Lexicon, Mode};
use Referral::{GeneralMedical, MedicationRelated};

fn lexicon() -> &'static Lexicon {
    static LEX: std::sync::OnceLock<Lexicon> = std::sync::OnceLock::new();
    LEX.get_or_init(Lexicon::builtin)
}

fn check(text: &str, expected: Option<Referral>) {
    let got = lexicon().detect(text, Mode::Reference).medical;
    assert_eq!(
        got.as_ref().map(|m| m.referral),
        expected,
        "{text:?}: {got:?}"
    );
}

#[test]
fn the_vocabulary_loads_with_every_class() {
    let raw: RawMedicines = toml::from_str(MEDICINES).unwrap();
    for class in [
        "glp1_and_weight_loss",
        "antidepressants_and_psychiatric",
        "antihypertensives",
        "statins_and_lipids",
        "diabetes",
        "thyroid",
        "sleep_and_anxiety",
        "antibiotics",
        "painkillers",
        "contraceptives_and_hormones",
        "supplements_and_remedies",
    ] {
        assert!(
            raw.names.get(class).is_some_and(|n| n.len() >= 10),
            "{class}"
        );
    }
    let total: usize = raw.names.values().map(Vec::len).sum();
    assert!(total >= 400, "{total} names");
    // Names are lower case; brands that are everyday words or first names
    // are left out, and "iron" or "coil" only stand in a longer name.
    for name in raw.names.values().flatten() {
        assert_eq!(name, &name.to_lowercase());
        assert!(
            !["sonata", "allegra", "yasmin", "iron", "coil", "implant", "yaz"]
                .contains(&name.as_str()),
            "{name} is an everyday word or a name"
        );
    }
}

#[test]
fn a_listed_name_makes_a_dose_question() {
    check(
        "what dose of candesartan do most adults end up on?",
        Some(MedicationRelated),
    );
    check(
        "is tresiba usually injected at night",
        Some(MedicationRelated),
    );
}

#[test]
fn stems_recognise_medicines_the_vocabulary_does_not_list() {
    let (stems, _) = extend(&mut toml::from_str(super::super::BUILTIN).unwrap()).unwrap();
    for unlisted in [
        "fosinopril",
        "eprosartan",
        "cerivastatin",
        "pindolol",
        "isradipine",
        "albiglutide",
        "sotagliflozin",
        "vildagliptin",
        "oxazepam",
        "dicloxacillin",
        "rabeprazole",
        "nizatidine",
    ] {
        let token = normalize::tokens(unlisted).concat();
        assert!(stems.names_medicine(&token), "{unlisted}");
    }
    // English words that end like a stem are no medicine, nor short tokens.
    for word in [
        "april", "pistol", "clone", "mab", "pril", "statin", "cardio", "parsley",
    ] {
        assert!(!stems.names_medicine(word), "{word}");
    }
    check(
        "how long should trandolapril be taken before it works",
        Some(MedicationRelated),
    );
    check(
        "can you halve a fosinopril tablet?",
        Some(MedicationRelated),
    );
}

#[test]
fn question_forms_in_every_person() {
    // Impersonal.
    check(
        "how should ramipril be taken, with or without food?",
        Some(MedicationRelated),
    );
    check(
        "what is the usual amount of magnesium citrate per day",
        Some(MedicationRelated),
    );
    check("how much naproxen is too much?", Some(MedicationRelated));
    // Second and third person.
    check(
        "can you have a glass of wine on doxycycline",
        Some(MedicationRelated),
    );
    check(
        "should my husband take his losartan at night",
        Some(MedicationRelated),
    );
    check(
        "does she need to keep taking the trazodone?",
        Some(MedicationRelated),
    );
    // Changes and missed doses, as statements.
    check(
        "my dad is tapering his diazepam over christmas",
        Some(MedicationRelated),
    );
    check(
        "missed yesterday's venlafaxine by accident",
        Some(MedicationRelated),
    );
    check(
        "thinking of taking more gabapentin at night",
        Some(MedicationRelated),
    );
    // Interactions.
    check(
        "is grapefruit juice a problem alongside amlodipine?",
        Some(MedicationRelated),
    );
    check(
        "do omeprazole and clopidogrel interact",
        Some(MedicationRelated),
    );
}

#[test]
fn a_change_is_read_in_the_sentence_that_names_the_medicine() {
    check(
        "she swapped her citalopram for something else",
        Some(MedicationRelated),
    );
    check(
        "Skipped the bus and walked to work. Sertraline from my GP, what's a good stretch?",
        None,
    );
    // A hashtag of run-together words is not read as a change verb.
    check("weighed in at last, #ForGood this time", None);
}

#[test]
fn side_effects_reported_with_a_medicine() {
    check(
        "bad headaches every afternoon since going up on my lisinopril",
        Some(MedicationRelated),
    );
    check(
        "my partner gets dizzy on candesartan",
        Some(MedicationRelated),
    );
    // A side effect that has passed, or no medicine at all, is no request.
    check(
        "the nausea on wegovy settled months ago, now I want meal ideas",
        None,
    );
    check("dizzy after my long run yesterday, forgot to eat", None);
}

#[test]
fn treatment_and_test_questions() {
    check(
        "what's the best treatment for a frozen shoulder",
        Some(GeneralMedical),
    );
    check("is there a cure for rosacea", Some(GeneralMedical));
    check(
        "would an ultrasound pick up a hernia?",
        Some(GeneralMedical),
    );
    check(
        "do you need a scan to find kidney stones",
        Some(GeneralMedical),
    );
}

#[test]
fn benign_questions_are_not_redirected() {
    for text in [
        "how much protein should be in a post-run snack?",
        "what's the usual portion of rice for one person",
        "how many grams of fibre is a good daily target?",
        "how should oats be soaked overnight",
        "what is the usual time people walk after dinner",
        "on losartan for years, what's a quick weeknight pasta",
        "my mum takes metformin, which cereals are lowest in sugar?",
        "is there a better time of day to go for a run",
        "what's a good test of my fitness, a 5k or a beep test?",
        "my scan at the gym said 28% body fat, what's a realistic goal",
    ] {
        check(text, None);
    }
}

fn toks(text: &str) -> Vec<String> {
    normalize::tokens(text)
}

#[test]
fn a_question_is_the_clause_that_asks_it() {
    assert!(opens_question(&toks("what's the dose")));
    assert!(opens_question(&toks("so can it be split")));
    assert!(opens_question(&toks("ＨＯＷ should it be taken")));
    assert!(opens_question(&toks("<b>how</b> long for")));
    assert!(!opens_question(&toks("took it at nine")));
    assert!(!opens_question(&[]));
    assert!(ends_question("take it now or later? "));
    assert!(ends_question("is that ok? 🙂"));
    assert!(ends_question("<p>is that ok?</p>"));
    assert!(!ends_question("it is fine."));
    assert!(!ends_question("<p>it is fine</p>"));
    let parts: Vec<&str> = clauses("on it, what now, 1,000 mg").collect();
    assert_eq!(parts, ["on it,", " what now,", " 1,000 mg"]);
    let mut scan = QuestionScan::default();
    scan.start_sentence(0);
    scan.clause(&toks("on losartan,"), 0);
    scan.clause(&toks(" what's for tea?"), 2);
    assert_eq!(scan.finish("on losartan, what's for tea?", 5), Some((2, 4)));
    scan.start_sentence(5);
    scan.clause(&toks("i am on it."), 5);
    assert_eq!(scan.finish("i am on it.", 9), None);
    // Ending with "?", the question starts where a question word stands,
    // or else in the last clause.
    scan.start_sentence(9);
    scan.clause(&toks("for my knees which is best,"), 9);
    scan.clause(&toks(" this or that?"), 14);
    assert_eq!(
        scan.finish("for my knees which is best, this or that?", 17),
        Some((9, 16))
    );
    scan.start_sentence(17);
    scan.clause(&toks("took it late,"), 17);
    scan.clause(&toks(" fine?"), 20);
    assert_eq!(scan.finish("took it late, fine?", 21), Some((20, 20)));
}

#[test]
fn a_group_the_lexicon_already_defines_is_an_error() {
    let mut raw: RawLexicon = toml::from_str("[groups]\ndrug_name = [\"x\"]").unwrap();
    assert!(matches!(extend(&mut raw), Err(LexiconError::DuplicateGroup(g)) if g == DRUG_NAME));
}

#[test]
fn question_features_need_every_list_inside_one_question() {
    use Scope::{Question, Sentence};
    // Rule 0 (feature 9): term 1 and term 2; rule 1 (feature 8): term 3;
    // rule 2 (feature 7), in a sentence: term 1 and term 4.
    let q = Questions::new(
        vec![
            (9, Question, vec![vec![1], vec![2]]),
            (8, Question, vec![vec![3]]),
            (7, Sentence, vec![vec![1], vec![4]]),
        ],
        10,
    );
    let questions = [(0, 4), (6, 9)];
    let sentences = [(0, 5), (6, 9)];
    let features = |hits: &[(usize, (usize, usize))], qs: &[(usize, usize)]| {
        q.features(hits, qs, qs, &sentences)
    };
    assert_eq!(
        features(&[(1, (1, 1)), (2, (3, 3))], &questions),
        [(9, (0, 4))]
    );
    // One list in each question, or a hit outside every question: none.
    assert!(features(&[(1, (1, 1)), (2, (7, 7))], &questions).is_empty());
    assert!(features(&[(3, (5, 5))], &questions).is_empty());
    assert_eq!(features(&[(3, (9, 9))], &questions), [(8, (6, 9))]);
    assert!(features(&[(1, (1, 1))], &[]).is_empty());
    // A sentence rule reads sentences, not questions, and not across them.
    assert_eq!(
        features(&[(1, (1, 1)), (4, (5, 5))], &questions),
        [(7, (0, 5))]
    );
    assert!(features(&[(1, (5, 5)), (4, (6, 6))], &questions).is_empty());
}

#[test]
fn a_referent_rule_reads_what_a_question_points_back_at() {
    // Rule 0 (feature 9), over referents: term 1 and term 2.
    let q = Questions::new(vec![(9, Scope::Referent, vec![vec![1], vec![2]])], 3);
    let hits = [(1, (0, 0)), (2, (4, 4))];
    // The question (3, 5) points back at the sentence (0, 5).
    assert_eq!(
        q.features(&hits, &[(3, 5)], &[(0, 5)], &[(0, 5)]),
        [(9, (0, 5))]
    );
    // The same question, not pointing back, holds one list only.
    assert!(q
        .features(&hits, &[(3, 5)], &[(3, 5)], &[(0, 5)])
        .is_empty());
}

#[test]
fn a_question_that_points_back_has_the_sentence_for_its_referent() {
    let mut scan = QuestionScan::default();
    let sentence = "took my losartan with grapefruit juice, would that be bad?";
    scan.start_sentence(0);
    scan.clause(&toks("took my losartan with grapefruit juice,"), 0);
    scan.clause(&toks(" would that be bad?"), 6);
    let asked = scan.finish(sentence, 10);
    assert_eq!(asked, Some((6, 9)));
    assert_eq!(scan.referent(asked), Some((0, 9)));
    // A question that points at nothing before it is its own referent.
    scan.start_sentence(10);
    scan.clause(&toks("on losartan,"), 10);
    scan.clause(&toks(" is grapefruit nice in salads?"), 12);
    let asked = scan.finish("on losartan, is grapefruit nice in salads?", 17);
    assert_eq!(scan.referent(asked), Some((12, 16)));
    assert_eq!(scan.referent(None), None);
    assert!(points_back(&toks("so is that ok")));
    assert!(points_back(&toks("would this be risky")));
    assert!(!points_back(&toks("is it ok")));
    assert!(!points_back(&toks("that is fine")));
}

#[test]
fn meal_words_beside_a_question_of_harm_leave_it_a_medicine_question() {
    // The meal is the circumstance of the question.
    check(
        "could glipizide be a problem on mornings I miss breakfast",
        Some(MedicationRelated),
    );
    check(
        "taking apixaban and eating loads of kale in my new diet plan, is that safe?",
        Some(MedicationRelated),
    );
    check(
        "lisinopril with the salt substitute I use at dinner, could that be dangerous?",
        Some(MedicationRelated),
    );
    // Asking for the food itself, or no question of harm: no referral.
    check("on metformin, what are some easy lunch ideas?", None);
    check(
        "which snacks are safe to pack for lunch, recipe ideas please",
        None,
    );
    check(
        "roasted kale with dinner tonight, is that a good side dish?",
        None,
    );
}

#[test]
fn a_question_word_run_into_u_opens_the_question() {
    let none = |_: &str| false;
    assert_eq!(
        split_you(toks("shouldu stop"), none),
        ["should", "u", "stop"]
    );
    assert_eq!(split_you(toks("menu haiku"), none), ["menu", "haiku"]);
    // A word the lexicon knows stays whole.
    assert_eq!(split_you(toks("canu"), |w| w == "canu"), ["canu"]);
    check(
        "#canu have grapefruit on amlodipine",
        Some(MedicationRelated),
    );
    check("#menu for tonight: lentil soup", None);
}

#[test]
fn a_misspelt_symptom_stretched_for_stress_is_still_a_side_effect() {
    // The squeezed token is repaired, not the stretch as written.
    check(
        "been fighting nausiaaa all week on my metformin",
        Some(MedicationRelated),
    );
    check(
        "been fighting nausia all week on my metformin",
        Some(MedicationRelated),
    );
    // A stretched everyday word stays that word.
    check("soooo sleepy after lunch, metformin day three", None);
}
