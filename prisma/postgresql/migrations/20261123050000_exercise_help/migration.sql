-- CreateTable
CREATE TABLE "ExerciseHelp" (
    "id" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "lessonKey" TEXT NOT NULL,
    "exerciseId" TEXT NOT NULL,
    "hintsRevealed" INTEGER NOT NULL DEFAULT 0,
    "solutionRevealed" BOOLEAN NOT NULL DEFAULT false,
    "firstSeenAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "solutionAt" TIMESTAMP(3),
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ExerciseHelp_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "ExerciseHelp_lessonKey_exerciseId_idx" ON "ExerciseHelp"("lessonKey", "exerciseId");

-- CreateIndex
CREATE UNIQUE INDEX "ExerciseHelp_userId_lessonKey_exerciseId_key" ON "ExerciseHelp"("userId", "lessonKey", "exerciseId");

-- AddForeignKey
ALTER TABLE "ExerciseHelp" ADD CONSTRAINT "ExerciseHelp_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

