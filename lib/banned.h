/*
 * Functions that are unsafe or that this project replaced with a checked
 * helper.  Using one is a compile error naming it.  Included last by ms.h.
 */
#ifndef MS_BANNED_H
#define MS_BANNED_H

#define MS_BANNED(func) sorry_##func##_is_a_banned_function

#undef gets
#define gets(...) MS_BANNED(gets)
#undef strcpy
#define strcpy(...) MS_BANNED(strcpy)
#undef strncpy
#define strncpy(...) MS_BANNED(strncpy)
#undef strcat
#define strcat(...) MS_BANNED(strcat)
#undef strncat
#define strncat(...) MS_BANNED(strncat)
#undef sprintf
#define sprintf(...) MS_BANNED(sprintf)
#undef vsprintf
#define vsprintf(...) MS_BANNED(vsprintf)
#undef strtok
#define strtok(...) MS_BANNED(strtok)
#undef atoi
#define atoi(...) MS_BANNED(atoi)
#undef atol
#define atol(...) MS_BANNED(atol)
#undef localtime
#define localtime(...) MS_BANNED(localtime)
#undef gmtime
#define gmtime(...) MS_BANNED(gmtime)
#undef ctime
#define ctime(...) MS_BANNED(ctime)
#undef asctime
#define asctime(...) MS_BANNED(asctime)
#undef mktemp
#define mktemp(...) MS_BANNED(mktemp)
#undef tmpnam
#define tmpnam(...) MS_BANNED(tmpnam)
#undef system
#define system(...) MS_BANNED(system)
#undef popen
#define popen(...) MS_BANNED(popen)
#undef signal
#define signal(...) MS_BANNED(signal)
#undef alloca
#define alloca(...) MS_BANNED(alloca)

#endif
