//! Normalisation on hand-written text.

use super::*;

fn check(input: &str, expected: &str) {
    assert_eq!(tokens(input).join(" "), expected, "{input:?}");
}

#[test]
fn folds_the_usual_disguises() {
    check("I want to KILL myself", "i want to kil myself");
    check("k1ll mys3lf", "kil myself");
    check("k i l l myself", "kil myself");
    check("k.i.l.l m.y.s.e.l.f", "kilmyself");
    check("kiiiiill myself!!!", "kil myself");
    check("kіll myself", "kil myself"); // Cyrillic і
    check("ｋｉｌｌ myself", "kil myself"); // fullwidth
    check("𝐤𝐢𝐥𝐥 myself", "kil myself"); // mathematical bold
    check("ki\u{200B}ll my\u{00AD}self", "kil myself");
    check("\u{202E}kill\u{202C} myself", "kil myself");
    check("#killmyself", "kilmyself");
    check("$uicide", "suicide");
    check("unal1ve", "unalive");
    check("wi11 k1ll", "wil kil");
    check("I don't want to be here", "i dont want to be here");
    check("suicíde", "suicide");
}

#[test]
fn leet_after_apostrophes_runs_and_digit_words() {
    check("ana'$ place", "anas place");
    check("su!!c!de", "suicide");
    check("wh@@@t", "what");
    check("i d o n't know", "idont know");
    check("i stil1 wil1", "i stil wil");
    check("going 70 do it", "going to do it");
    check("such 4 burden", "such a burden");
    check("lost 4 lbs in 4 weeks", "lost 4 lbs in 4 weks");
    check("1 hate this", "i hate this");
    check("i went t0 bed", "i went to bed");
    check("took 17 pills", "tok 17 pils");
    check("vitamin d3 and b12", "vitamin d3 and b12");
    check("such @ burden", "such a burden");
}

#[test]
fn markup_is_dropped() {
    check(
        "I <b>really</b> want to <em>k</em>ill myself",
        "i want to kil myself",
    );
    check("s<i>ui</i>cide", "suicide");
    check("line<br>break", "line break");
    check("<span class=\"x\">sad</span> today", "sad today");
    check("i <3 you, 3 < 5", "i 3 you 3 5");
}

#[test]
fn keeps_quantities_and_plain_words() {
    check("walked 5 kms", "walked 5kms");
    check("300mg twice a day", "300mg twice a day");
    check("a 5k run", "a 5k run");
    check("16:8 fasting", "16 8 fasting");
    check("I'm a big fan", "im a big fan");
    check("I am a big fan", "im a big fan");
    check("1,800 calories", "1800 calories");
    check("wanna go", "want to go");
    check("i do not know", "i dont know");
    check("cannot", "cant");
    check("I'm really, like, low tbh", "im low");
    check("call 988 now!", "cal 988 now");
    check("my b12 and d3", "my b12 and d3");
    check(
        "going 2 do it, to die 4 sure",
        "going to do it to die for sure",
    );
    check("take 2 a day, up 4 lbs", "take 2 a day up 4 lbs");
}

#[test]
fn spelled_out_words_leave_numbers_and_marks_alone() {
    check("dropped a b o u t 7 kg", "droped about 7 kg");
    check("want it 2 s t o p", "want it to stop");
    check("5 u i c i d e", "suicide");
    check("k 1 l l", "kil");
    check("go?!?!ogling it", "gogling it");
    check("su!!!c!de", "suicide");
    check("eyes look kind of yellow", "eyes lok yelow");
    check("what kind of yellow", "what kind of yelow");
    check("swerslide", "suicide");
    // Only the whole word: "sweerslides" is no misspelling of it.
    check("sweerslides", "swerslides");
}

#[test]
fn a_one_letter_word_before_a_spelled_out_word_stays_apart() {
    check("booked a s c a n for friday", "boked a scan for friday");
    check("i h a t e mondays", "i hate mondays");
    // A run that is a word whole keeps its first letter ("a b o u t"), and
    // one that is no word either way is joined as before.
    check("a b o u t", "about");
    check("a x q z", "axqz");
}

#[test]
fn a_word_in_leet_characters_alone_is_read() {
    check("1$ it bad", "is it bad");
    check("$0 tired", "so tired");
    // Prices and plain numbers stay numbers.
    check("paid 5$ for it", "paid 5 for it");
    check("$20 a week", "20 a wek");
    check("took 15 steps", "tok 15 steps");
}

#[test]
fn emphasis_inside_a_contraction_and_text_speak_for() {
    check("it isn'_t_ fair", "it isnt fair");
    check("I don'*t* care", "i dont care");
    // Marks around whole words, or in a name, stay word breaks.
    check("a _big_ day", "a big day");
    check("snake_case", "snake case");
    check("quitting 4 good", "quiting for god");
    check("had 4 good days", "had 4 god days");
}

#[test]
fn the_word_tables_are_squeezed_like_the_tokens_they_meet() {
    let tables: [&[&str]; 14] = [
        &TO_BEFORE,
        &TO_AFTER,
        &FOUR_COUNT,
        &FOR_AFTER,
        &A_BEFORE,
        &I_BEFORE,
        &I_AFTER,
        &IT_BEFORE,
        &IT_AFTER,
        &FOR_BEFORE,
        &SH_BEFORE,
        &SH_AFTER,
        &FILLERS,
        &DETERMINERS,
    ];
    for w in tables.iter().flat_map(|t| t.iter()) {
        assert_eq!(squeeze(w), *w, "{w} can never meet a squeezed token");
    }
    for (a, b, one) in JOINED {
        assert_eq!(
            (squeeze(a), squeeze(b), squeeze(one)),
            (a.into(), b.into(), one.into())
        );
    }
    for (k, _) in SPELLED {
        assert_eq!(squeeze(k), k);
    }
    // Read as they should be now: "need 2 go", "1 keep"; a unit of time
    // after "4" is counted, not "for".
    check("i need 2 go", "i ned to go");
    check("1 keep eating", "i kep eating");
    check("gym 4 weeks straight", "gym 4 weks straight");
    check("on it 4 months now", "on it 4 months now");
}
