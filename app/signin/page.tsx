import AuthPage from '../components/site/AuthPage';

export const dynamic = 'force-dynamic';

export default function Page() {
  return <AuthPage mode="signin" />;
}
