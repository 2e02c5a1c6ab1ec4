//! Where a field of `helm template` output was written: the template named by its `# Source:`
//! comment, the line inside it, and the values-file key its value came from.
