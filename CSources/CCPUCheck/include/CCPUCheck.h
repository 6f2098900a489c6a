#ifndef CCPUCHECK_H
#define CCPUCHECK_H

/// The instruction-set level this binary was compiled for (`x86-64`, `x86-64-v2`,
/// `x86-64-v3`, `x86-64-v4`, or the name of another architecture), for messages.
const char *ccpucheck_built_for(void);

#endif
