//! Front-matter fields each generator computes itself.
