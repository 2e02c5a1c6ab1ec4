//! Rendered sources: Helm charts and Kustomize kustomizations, and where a finding on their output
//! is edited.
//!
//! The frontends run the renderers (core never does I/O); core parses their output as any other
//! source, and this module maps a finding on a rendered object back to the file the user writes:
//! [`helm`] reads a chart's templates and values files, the Kustomize mapping reads the origin
//! annotations kustomize adds to its output.

pub mod helm;
