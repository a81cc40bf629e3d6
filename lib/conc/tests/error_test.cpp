#include "conc/error.hpp"

#include <string>
#include <thread>

#include <fmt/format.h>
#include <gtest/gtest.h>

namespace {

// --- nil and identity ---

TEST(Error, NilIsFalseWithEmptyMessage) {
  const conc::Error nil;
  EXPECT_FALSE(nil);
  EXPECT_EQ(nil.message(), "");
}

TEST(Error, NewErrorIsTrueWithItsMessage) {
  const conc::Error err("not found");
  EXPECT_TRUE(err);
  EXPECT_EQ(err.message(), "not found");
}

TEST(Error, EmptyMessageIsStillNonNil) { EXPECT_TRUE(conc::Error("")); }

TEST(Error, NilEqualsNil) { EXPECT_EQ(conc::Error(), conc::Error()); }

TEST(Error, NonNilDiffersFromNil) { EXPECT_NE(conc::Error("x"), conc::Error()); }

TEST(Error, CopiesAreEqual) {
  const conc::Error original("not found");
  const conc::Error copy = original;
  conc::Error assigned;
  assigned = original;
  EXPECT_EQ(copy, original);
  EXPECT_EQ(assigned, original);
}

TEST(Error, SameMessageIsADifferentError) {
  EXPECT_NE(conc::Error("not found"), conc::Error("not found"));
}

TEST(Error, CopiedToAnotherThreadKeepsItsIdentity) {
  const conc::Error original("from main");
  conc::Error seen;
  std::thread([&] { seen = original; }).join();
  EXPECT_EQ(seen, original);
}

// --- wrap ---

TEST(Error, WrapPrefixesContextAndColon) {
  const conc::Error cause("not found");
  EXPECT_EQ(conc::wrap(cause, "SBG").message(), "SBG: not found");
}

TEST(Error, WrapGivesANewIdentity) {
  const conc::Error cause("not found");
  const conc::Error wrapped = conc::wrap(cause, "SBG");
  EXPECT_NE(wrapped, cause);
  EXPECT_NE(conc::wrap(cause, "SBG"), wrapped);  // each call is a new error
}

TEST(Error, WrapLeavesTheCauseUnchanged) {
  const conc::Error cause("not found");
  (void)conc::wrap(cause, "SBG");
  EXPECT_EQ(cause.message(), "not found");
}

TEST(Error, WrapOfNilIsNonNilAndSaysNil) {
  const conc::Error wrapped = conc::wrap(conc::Error(), "lookup");
  EXPECT_TRUE(wrapped);
  EXPECT_EQ(wrapped.message(), "lookup: <nil>");
}

TEST(Error, WrapsNestLeftToRight) {
  const conc::Error err = conc::wrap(conc::wrap(conc::Error("disk full"), "write"), "save");
  EXPECT_EQ(err.message(), "save: write: disk full");
}

// --- is ---

TEST(Error, IsMatchesItselfAndCopies) {
  const conc::Error err("x");
  const conc::Error copy = err;
  EXPECT_TRUE(conc::is(err, err));
  EXPECT_TRUE(conc::is(copy, err));
}

TEST(Error, IsFollowsMultiLevelWrapChains) {
  const conc::Error root("root");
  const conc::Error middle = conc::wrap(root, "middle");
  const conc::Error top = conc::wrap(conc::wrap(middle, "inner"), "outer");
  EXPECT_TRUE(conc::is(top, root));
  EXPECT_TRUE(conc::is(top, middle));
  EXPECT_TRUE(conc::is(middle, root));
}

TEST(Error, IsDoesNotLookOutward) {
  const conc::Error root("root");
  EXPECT_FALSE(conc::is(root, conc::wrap(root, "context")));
}

TEST(Error, IsComparesIdentityNotMessage) {
  const conc::Error target("not found");
  EXPECT_FALSE(conc::is(conc::wrap(conc::Error("not found"), "SBG"), target));
}

TEST(Error, IsNilNilIsTrue) { EXPECT_TRUE(conc::is(conc::Error(), conc::Error())); }

TEST(Error, IsErrNilIsFalse) { EXPECT_FALSE(conc::is(conc::Error("x"), conc::Error())); }

TEST(Error, IsNilErrIsFalse) { EXPECT_FALSE(conc::is(conc::Error(), conc::Error("x"))); }

TEST(Error, IsWrappedNilIsNotNil) {
  EXPECT_FALSE(conc::is(conc::wrap(conc::Error(), "lookup"), conc::Error()));
}

// --- the context errors ---

TEST(Error, CanceledSaysContextCanceled) {
  EXPECT_TRUE(conc::Canceled);
  EXPECT_EQ(conc::Canceled.message(), "context canceled");
}

TEST(Error, DeadlineExceededSaysContextDeadlineExceeded) {
  EXPECT_TRUE(conc::DeadlineExceeded);
  EXPECT_EQ(conc::DeadlineExceeded.message(), "context deadline exceeded");
}

TEST(Error, ContextErrorsAreDistinctAndFoundThroughWraps) {
  EXPECT_NE(conc::Canceled, conc::DeadlineExceeded);
  EXPECT_TRUE(conc::is(conc::wrap(conc::Canceled, "find SBG"), conc::Canceled));
  EXPECT_FALSE(conc::is(conc::wrap(conc::Canceled, "find SBG"), conc::DeadlineExceeded));
}

// --- fmt ---

TEST(Error, FormatsAsItsMessage) {
  EXPECT_EQ(fmt::format("{}", conc::wrap(conc::Error("not found"), "SBG")), "SBG: not found");
}

TEST(Error, FormatsNilAsNil) { EXPECT_EQ(fmt::format("{}", conc::Error()), "<nil>"); }

TEST(Error, FormatsWithStringFormatSpecs) {
  EXPECT_EQ(fmt::format("[{:>6}]", conc::Error("oops")), "[  oops]");
  EXPECT_EQ(fmt::format("[{:<7}]", conc::Error()), "[<nil>  ]");
}

}  // namespace
