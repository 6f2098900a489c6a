// The functions are static inline in include/CLanes.h; this file gives SwiftPM a source to build.
