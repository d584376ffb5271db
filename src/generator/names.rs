//! File names and URLs per generator.
