/*
 * A client suite's test runs with a config home of its own: a fresh, empty
 * XDG_CONFIG_HOME, and none of the SAMVERKAN_* settings of the environment
 * the suite was started in. Use as .init = home_make, .fini = home_remove.
 */
#ifndef SVK_TEST_CLIENT_HOME_H
#define SVK_TEST_CLIENT_HOME_H

void home_make(void);
void home_remove(void);
/* The directory XDG_CONFIG_HOME names. */
const char *home_dir(void);

#endif
