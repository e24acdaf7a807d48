#ifndef REDLINE_CREADLINE_SHIM_H
#define REDLINE_CREADLINE_SHIM_H
#include <stdio.h>
#include <stdlib.h>
#include <readline/readline.h>
#include <readline/history.h>

/* Swift 6 treats readline's global variables as unsafe shared state; these setters keep every
   access in one place, called from the main thread only. */
static inline void redline_set_completion(rl_completion_func_t *function) { rl_attempted_completion_function = function; }
static inline void redline_set_word_breaks(const char *characters) { rl_completer_word_break_characters = (char *)characters; }
/* Called before each completion: the word breaks for this line (NULL: the ones set above). */
static inline void redline_set_word_break_hook(char *(*hook)(void)) { rl_completion_word_break_hook = hook; }
static inline void redline_set_completion_over(int over) { rl_attempted_completion_over = over; }
static inline void redline_set_append_character(int character) { rl_completion_append_character = character; }
static inline void redline_set_catch_signals(int on) { rl_catch_signals = on; rl_catch_sigwinch = on; }
/* A multi-line entry is one history entry, in the file too: each entry is written after a
   `#TIMESTAMP` line, and the lines up to the next timestamp read back as one entry (as bash's
   lithist does). */
static inline void redline_set_multiline_history(void) {
    history_write_timestamps = 1;
    history_comment_char = '#';
    history_multiline_entries = 1;
}
static inline const char *redline_line_buffer(void) { return rl_line_buffer; }
/* Ctrl-C at the prompt: abandon what was typed and show a fresh (main) prompt. */
static inline void redline_abandon_line(const char *prompt) {
    rl_free_line_state();
    rl_replace_line("", 0);
    rl_crlf();
    rl_set_prompt(prompt);
    rl_on_new_line();
    rl_redisplay();
}
#endif
