/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* One file per verb; each returns the process exit status. argv[0] is the verb. */
int verb_run(int argc, char **argv);
int verb_policy(int argc, char **argv);
int verb_session(int argc, char **argv);
int verb_ps(int argc, char **argv);
int verb_enter(int argc, char **argv);
int verb_stop(int argc, char **argv);
int verb_desktop(int argc, char **argv);
int verb_image(int argc, char **argv);
int verb_trust(int argc, char **argv);
