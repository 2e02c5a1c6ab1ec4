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
    let wanted = name.to_lowercase();
    let wanted_len = wanted.chars().count();
    let limit = (wanted_len / 3).max(1);
    let mut best: Option<(usize, &'a str)> = None;
    for candidate in candidates {
        if candidate == name {
            continue;
        }
        let other = candidate.to_lowercase();
        if other.chars().count().abs_diff(wanted_len) > limit {
            continue;
        }
        let distance = strsim::osa_distance(&wanted, &other);
        if distance <= limit && best.is_none_or(|(d, _)| distance < d) {
            best = Some((distance, candidate));
        }
    }
    best.map(|(_, candidate)| candidate)
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
    fn a_swap_of_neighbours_is_one_edit() {
        assert_eq!(closest("contianers", ["containers", "volumes"]), Some("containers"));
        assert_eq!(closest("abdc", ["abcd"]), Some("abcd"));
        // A swap and an edit beside it: two edits, too many for a short name.
        assert_eq!(closest("bdca", ["abcd"]), None);
    }
}
