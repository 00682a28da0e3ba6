#include "harness.h"
#include "veil/error.h"

TEST(test_error__set_returns_code_and_keeps_message)
{
	CHECK_INT(veil_error_set(VEIL_EFORMAT, "bad %s at %d", "line", 3), VEIL_EFORMAT);
	CHECK_STR(veil_error_last(), "bad line at 3");
	veil_error_clear();
	CHECK_STR(veil_error_last(), "no error message");
}

TEST(test_error__names_are_distinct_for_age_classes)
{
	CHECK(strcmp(veil_error_name(VEIL_EMAC), veil_error_name(VEIL_EAUTH)) != 0);
	CHECK(strcmp(veil_error_name(VEIL_ENOMATCH), veil_error_name(VEIL_EFORMAT)) != 0);
}
