//! "Did you mean …?": the closest known name to a misspelt one.
//!
//! Distance is the optimal-string-alignment edit distance (insertions, deletions, substitutions and
//! swaps of neighbours each cost 1), computed on lower-cased text so that `ImagePullPolicy` finds
//! `imagePullPolicy`. A candidate is offered only when it is close for the name's length: one edit
//! for short names, up to a third of the length for longer ones.

/// The candidate closest to `name`, if one is close enough to be a likely intent.
pub fn closest<'a, I>(name: &str, candidates: I) -> Option<&'a str>
where
    I: IntoIterator<Item = &'a str>,
{
    let wanted: Vec<char> = name.to_lowercase().chars().collect();
    let limit = (wanted.len() / 3).max(1);
    let mut best: Option<(usize, &'a str)> = None;
    for candidate in candidates {
        if candidate == name {
            continue;
        }
        let other: Vec<char> = candidate.to_lowercase().chars().collect();
        if other.len().abs_diff(wanted.len()) > limit {
            continue;
        }
        let distance = edit_distance(&wanted, &other);
        if distance <= limit && best.is_none_or(|(d, _)| distance < d) {
            best = Some((distance, candidate));
        }
    }
    best.map(|(_, candidate)| candidate)
}

/// Optimal string alignment distance between two character sequences.
fn edit_distance(a: &[char], b: &[char]) -> usize {
    // Three rows suffice: the previous two (for swaps) and the current one.
    let mut before: Vec<usize> = vec![0; b.len() + 1];
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    let mut current: Vec<usize> = vec![0; b.len() + 1];
    for i in 1..=a.len() {
        current[0] = i;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut value = (previous[j] + 1).min(current[j - 1] + 1).min(previous[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                value = value.min(before[j - 2] + 1);
            }
            current[j] = value;
        }
        std::mem::swap(&mut before, &mut previous);
        std::mem::swap(&mut previous, &mut current);
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_close_field_names() {
        let fields = ["livenessProbe", "readinessProbe", "image", "imagePullPolicy", "name"];
        assert_eq!(closest("livenesProbe", fields), Some("livenessProbe"));
        assert_eq!(closest("ImagePullPolicy", fields), Some("imagePullPolicy"));
        assert_eq!(closest("imgae", fields), Some("image"));
        assert_eq!(closest("nmae", fields), Some("name"));
        assert_eq!(closest("replicas", fields), None);
        assert_eq!(closest("x", fields), None);
    }

    #[test]
    fn edit_distance_counts_swaps_once() {
        let chars = |s: &str| s.chars().collect::<Vec<_>>();
        assert_eq!(edit_distance(&chars("abcd"), &chars("abdc")), 1);
        assert_eq!(edit_distance(&chars("kitten"), &chars("sitting")), 3);
        assert_eq!(edit_distance(&chars(""), &chars("abc")), 3);
    }
}
