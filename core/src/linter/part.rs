//! A part of a source: the whole of it, or a block cut at a document separator line, with where it
//! starts. The run's first pass reads parts (a stream kept as the blocks it was read in), and so
//! does the part-by-part lint (with the `parallel` feature).

use crate::load::position::Pos;

/// A source, or a block of one that starts at its beginning or at a document separator line.
#[derive(Debug, Clone, Copy)]
pub struct Part<'t> {
    /// The source's name, as reports show it.
    pub name: &'t str,
    pub text: &'t str,
    /// Where `text` starts in the source.
    pub start: Pos,
    /// How many documents of the source come before this part.
    pub first_document: usize,
    /// Whether `text` is the whole source: findings about a whole text (a kustomization's) are
    /// made only then.
    pub whole_source: bool,
}

impl<'t> Part<'t> {
    /// A whole source.
    pub fn whole(name: &'t str, text: &'t str) -> Self {
        Part { name, text, start: crate::load::FILE_START, first_document: 0, whole_source: true }
    }

    /// How many documents the part holds, as its source counts them: the next part's
    /// `first_document` is this one's plus this.
    pub fn document_count(&self) -> usize {
        crate::load::split_documents_at(self.text, self.start).len()
    }
}
