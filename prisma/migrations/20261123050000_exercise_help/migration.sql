-- CreateTable
CREATE TABLE "ExerciseHelp" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "userId" TEXT NOT NULL,
    "lessonKey" TEXT NOT NULL,
    "exerciseId" TEXT NOT NULL,
    "hintsRevealed" INTEGER NOT NULL DEFAULT 0,
    "solutionRevealed" BOOLEAN NOT NULL DEFAULT false,
    "firstSeenAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "solutionAt" DATETIME,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "ExerciseHelp_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "ExerciseHelp_lessonKey_exerciseId_idx" ON "ExerciseHelp"("lessonKey", "exerciseId");

-- CreateIndex
CREATE UNIQUE INDEX "ExerciseHelp_userId_lessonKey_exerciseId_key" ON "ExerciseHelp"("userId", "lessonKey", "exerciseId");

