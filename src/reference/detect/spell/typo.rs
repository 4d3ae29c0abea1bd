//! The arithmetic of typing slips, for the reference service's speller:
//! deletion neighbourhoods for the symmetric-delete index, QWERTY
//! neighbours, the plain typos a finger makes (two letters swapped, a
//! neighbouring key, a slipped extra key) and a bounded edit distance.

fn deletions(w: &str) -> Vec<String> {
    let chars: Vec<char> = w.chars().collect();
    (0..chars.len())
        .map(|i| {
            chars[..i]
                .iter()
                .chain(chars[i + 1..].iter())
                .collect::<String>()
        })
        .collect()
}

/// Deletion neighbourhood of `w` up to `depth` deletions, `w` included.
pub(super) fn neighbourhood(w: &str, depth: usize) -> Vec<String> {
    let mut out = vec![w.to_string()];
    let mut frontier = vec![w.to_string()];
    for _ in 0..depth {
        let mut next: Vec<String> = frontier.iter().flat_map(|f| deletions(f)).collect();
        next.sort_unstable();
        next.dedup();
        next.retain(|d| !out.contains(d));
        out.extend(next.iter().cloned());
        frontier = next;
    }
    out
}

/// Whether two letters are keys next to each other on a QWERTY keyboard
/// (or the same key).
pub(super) fn adjacent(x: u8, y: u8) -> bool {
    const ROWS: [&[u8]; 3] = [b"qwertyuiop", b"asdfghjkl", b"zxcvbnm"];
    let pos = |c: u8| {
        ROWS.iter().enumerate().find_map(|(r, row)| {
            row.iter()
                .position(|&k| k == c)
                .map(|i| (r as i32, i as i32))
        })
    };
    match (pos(x), pos(y)) {
        (Some((rx, cx)), Some((ry, cy))) => (rx - ry).abs() <= 1 && (cx - cy).abs() <= 1,
        _ => false,
    }
}

/// Whether two words of one length differ where one has a key next to the
/// other's on a QWERTY keyboard.
pub(super) fn neighbour_keys(a: &str, b: &str) -> bool {
    a.bytes()
        .zip(b.bytes())
        .filter(|(x, y)| x != y)
        .all(|(x, y)| adjacent(x, y))
}

/// Whether `w` is `cand` with the commonest slips of a finger: two letters
/// swapped, a neighbouring key struck instead, or a neighbouring key struck
/// as well ("kilking", "swaplowed", "feles").
pub(super) fn plain_typo(w: &str, cand: &str) -> bool {
    if w == cand {
        return false;
    }
    if anagram(w, cand) || (w.len() == cand.len() && neighbour_keys(w, cand)) {
        return true;
    }
    let b = w.as_bytes();
    if b.len() != cand.len() + 1 {
        return false;
    }
    // An extra letter inside the word: one at either end may be a word of
    // its own ("astroke" is "a stroke").
    (1..b.len() - 1).any(|i| {
        let rest = [&b[..i], &b[i + 1..]].concat();
        let beside = |j: Option<usize>| {
            j.and_then(|j| b.get(j)).is_some_and(|&n| {
                neighbour_keys(
                    &String::from_utf8_lossy(&[n]),
                    &String::from_utf8_lossy(&[b[i]]),
                )
            })
        };
        rest == cand.as_bytes() && (beside(i.checked_sub(1)) || beside(Some(i + 1)))
    })
}

/// Whether two words have the same letters.
pub(super) fn anagram(a: &str, b: &str) -> bool {
    let sorted = |s: &str| {
        let mut v: Vec<u8> = s.bytes().collect();
        v.sort_unstable();
        v
    };
    a.len() == b.len() && sorted(a) == sorted(b)
}

/// Optimal-string-alignment distance (Damerau–Levenshtein with adjacent
/// transpositions), or `None` past `limit`. Three rows of the table are
/// kept, and the reading stops at a row with nothing within `limit`: no
/// later row can come back under it.
pub(in crate::reference::detect) fn distance(a: &[u8], b: &[u8], limit: usize) -> Option<usize> {
    if a.len().abs_diff(b.len()) > limit {
        return None;
    }
    let w = b.len() + 1;
    let mut two = vec![0usize; w];
    let mut one: Vec<usize> = (0..w).collect();
    let mut row = vec![0usize; w];
    for i in 1..=a.len() {
        row[0] = i;
        let mut low = row[0];
        for j in 1..w {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (one[j] + 1).min(row[j - 1] + 1).min(one[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(two[j - 2] + 1);
            }
            row[j] = v;
            low = low.min(v);
        }
        if low > limit {
            return None;
        }
        std::mem::swap(&mut two, &mut one);
        std::mem::swap(&mut one, &mut row);
    }
    let last = one[w - 1];
    (last <= limit).then_some(last)
}
